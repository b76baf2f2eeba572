package dev.sortie.cli;

import dev.sortie.app.PushView;
import dev.sortie.pipeline.DeployEvent;
import java.io.PrintStream;
import java.util.function.Consumer;

/** The push's own lines, around the rendered deploy: for {@code sortie git-hook} and for pushes the daemon follows. */
final class PushLines implements PushView {

    static final PushLines INSTANCE = new PushLines();

    @Override
    public Consumer<DeployEvent> renderer(PrintStream out) {
        return new PushOutput(out);
    }

    @Override
    public String skipped(String app, String why) {
        return "-----> " + app + ": " + why;
    }

    @Override
    public String failed(String app) {
        return "=====> The push was accepted, but its deploy failed: the branch is ahead of what is live. See: sortie releases " + app;
    }

    @Override
    public String stoppedFollowing(String app, String deployId) {
        return "-----> " + app + ": stopped following deploy " + deployId + "; it goes on in the sortie server. Follow it: sortie logs "
                + app + " --deploy " + deployId + " -f; cancel it: sortie deploys cancel " + deployId;
    }
}
