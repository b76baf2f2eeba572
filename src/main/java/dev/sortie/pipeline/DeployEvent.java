package dev.sortie.pipeline;

import java.time.Duration;
import java.util.List;

/** What a deploy reports as it runs; the CLI renders these as push output. */
public sealed interface DeployEvent {

    /** The deploy has the lock and is about to run its first step. */
    record Started(String app, String commit, String branch, String releaseId) implements DeployEvent {
    }

    /** A line of information that belongs to no step (waiting for the lock, a skipped ref). */
    record Notice(String line) implements DeployEvent {
    }

    /** A line printed while a step runs (a build command's output, progress). */
    record Output(StepId step, String line) implements DeployEvent {
    }

    /** A hook ran around a step. */
    record HookRan(StepId step, String hook, String summary, Duration took) implements DeployEvent {
    }

    /** A step completed. */
    record StepDone(StepId step, String summary, Duration took) implements DeployEvent {
    }

    /** A step failed; {@code details} are extra lines such as a command's last output. */
    record StepFailed(StepId step, String reason, List<String> details, Duration took) implements DeployEvent {
    }

    /** Lines that explain a failure outside any step (javac's diagnostics for the hooks, say). */
    record Problem(List<String> lines) implements DeployEvent {
    }

    /** The release is live. */
    record Live(String app, String releaseId, String url) implements DeployEvent {
    }

    /**
     * The deploy failed; {@code step} is null when it failed before the first step. {@code restored}
     * is false when undoing the deploy's changes failed too, so the previous state may not be back.
     */
    record Failed(String app, StepId step, String reason, String previousRelease, boolean restored) implements DeployEvent {
        public Failed(String app, StepId step, String reason, String previousRelease) {
            this(app, step, reason, previousRelease, true);
        }
    }
}
