package dev.sortie.app;

import dev.sortie.pipeline.DeployEvent;
import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * How a push is shown to its pusher: the command line's renderer, handed to the daemon by the command that starts it,
 * so a push followed in the daemon ({@link PushStream}) prints the same lines as one followed by {@code sortie
 * git-hook}, and the text lives in one place.
 */
public interface PushView {

    /** Renders a deploy's events, in journal order, to {@code out}. */
    Consumer<DeployEvent> renderer(PrintStream out);

    /** The line for a pushed ref that deploys nothing. */
    String skipped(String app, String why);

    /** The line after a pushed deploy that failed: git accepted the push, so the branch is ahead of what is live. */
    String failed(String app);

    /** The line for a pusher who stops following (Ctrl-C, a dropped SSH session): the deploy goes on. */
    String stoppedFollowing(String app, String deployId);
}
