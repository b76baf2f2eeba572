package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.pipeline.DeployEvent;
import java.io.IOException;
import java.io.PrintStream;

/**
 * What {@code sortie deploy}, a push and a reattach share: follow a queued deploy's journal, render
 * it, and turn how it ended into an exit code. Going away (Ctrl-C, a dropped SSH session) leaves the
 * deploy running in the server.
 */
final class DeployRunner {

    private final Deploys deploys;
    private final PrintStream out;

    DeployRunner(Deploys deploys, PrintStream out) {
        this.deploys = deploys;
        this.out = out;
    }

    /** Follows the deploy to its end; returns the exit code (0 live or skipped, 1 failed). */
    int follow(String app, String deployId) throws IOException, InterruptedException {
        Thread goingAway = new Thread(() -> out.println(PushLines.INSTANCE.stoppedFollowing(app, deployId)), "sortie-follow-interrupted");
        Runtime.getRuntime().addShutdownHook(goingAway);
        DeployEvent end;
        try {
            end = deploys.follow(app, deployId, PushLines.INSTANCE.renderer(out));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(goingAway);
            } catch (IllegalStateException ignored) {
                // the JVM is exiting: the hook says where the deploy went
            }
        }
        return end instanceof DeployEvent.Failed ? ExitCodes.FAILED : ExitCodes.OK;
    }
}
