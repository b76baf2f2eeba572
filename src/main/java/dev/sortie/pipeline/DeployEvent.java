package dev.sortie.pipeline;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;
import java.util.List;

/**
 * What a deploy reports as it runs. Every event is data: it is written to the deploy's journal as
 * one JSON line, and the CLI renders the journal as push output. Events named for an action
 * ({@link StartingInstance}, {@link SwitchingNginx}, {@link Committing}, {@link Retiring}) are
 * intents: they are made durable before the action, so a reconcile knows what may have happened.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = DeployEvent.Queued.class, name = "queued"),
    @JsonSubTypes.Type(value = DeployEvent.WorkerStarted.class, name = "worker_started"),
    @JsonSubTypes.Type(value = DeployEvent.Started.class, name = "started"),
    @JsonSubTypes.Type(value = DeployEvent.HooksLoaded.class, name = "hooks_loaded"),
    @JsonSubTypes.Type(value = DeployEvent.StepStarted.class, name = "step_started"),
    @JsonSubTypes.Type(value = DeployEvent.Notice.class, name = "notice"),
    @JsonSubTypes.Type(value = DeployEvent.Output.class, name = "output"),
    @JsonSubTypes.Type(value = DeployEvent.HookRan.class, name = "hook_ran"),
    @JsonSubTypes.Type(value = DeployEvent.StepDone.class, name = "step_done"),
    @JsonSubTypes.Type(value = DeployEvent.StepFailed.class, name = "step_failed"),
    @JsonSubTypes.Type(value = DeployEvent.Problem.class, name = "problem"),
    @JsonSubTypes.Type(value = DeployEvent.StartingInstance.class, name = "starting_instance"),
    @JsonSubTypes.Type(value = DeployEvent.SwitchingNginx.class, name = "switching_nginx"),
    @JsonSubTypes.Type(value = DeployEvent.Committing.class, name = "committing"),
    @JsonSubTypes.Type(value = DeployEvent.Retiring.class, name = "retiring"),
    @JsonSubTypes.Type(value = DeployEvent.Aborting.class, name = "aborting"),
    @JsonSubTypes.Type(value = DeployEvent.Reverted.class, name = "reverted"),
    @JsonSubTypes.Type(value = DeployEvent.Live.class, name = "live"),
    @JsonSubTypes.Type(value = DeployEvent.Failed.class, name = "failed"),
    @JsonSubTypes.Type(value = DeployEvent.Skipped.class, name = "skipped"),
})
public sealed interface DeployEvent {

    /** Whether this event ends the deploy: nothing follows it in the journal. */
    default boolean terminal() {
        return false;
    }

    /**
     * The daemon took the deploy into the app's queue.
     *
     * @param kind     what asked for it: {@code push}, {@code gated} (a push that waits for its deploy
     *                 before git accepts it), {@code deploy} (the CLI), or one of the deploys of a stored
     *                 release: {@code rollback}, {@code config}, {@code restart}
     * @param by       who asked, for the history (a user name, later an SSH key name)
     * @param gate     for a gated push: what git has not accepted yet; null otherwise
     * @param source   for a deploy of a stored release: the release whose files it runs; null for a build
     */
    record Queued(String deployId, String app, String commit, String branch, String kind, String by, Gate gate, String source)
            implements DeployEvent {
        public Queued(String deployId, String app, String commit, String branch, String kind, String by, Gate gate) {
            this(deployId, app, commit, branch, kind, by, gate, null);
        }

        public Queued(String deployId, String app, String commit, String branch, String kind, String by) {
            this(deployId, app, commit, branch, kind, by, null, null);
        }
    }

    /**
     * A push held by git's pre-receive hook until its deploy ends.
     *
     * @param objects   git's quarantine: the pushed objects, readable only while the push waits
     * @param oldCommit what the branch pointed at when the push began (all zeros: a new branch)
     * @param pusherPid the {@code git receive-pack} that will move the branch if the deploy goes live
     */
    record Gate(String objects, String oldCommit, long pusherPid) {
    }

    /** The daemon handed the deploy to a worker process. */
    record WorkerStarted(long pid) implements DeployEvent {
    }

    /** The worker checked the commit out and is about to run its first step. */
    record Started(String app, String commit, String branch, String releaseId, String previousRelease) implements DeployEvent {
    }

    /** The project's UpgradeHooks.java was compiled (or taken from the cache) and loaded. */
    record HooksLoaded(String file, List<String> hooks, boolean cached, Duration took) implements DeployEvent {
    }

    /** {@code call(step)} began: the before-hook runs next. */
    record StepStarted(StepId step) implements DeployEvent {
    }

    /** A line of information that belongs to no step (waiting in the queue, a warning). */
    record Notice(String line) implements DeployEvent {
    }

    /** A line printed while a step runs (a build command's output, progress). */
    record Output(StepId step, String line) implements DeployEvent {
    }

    /** A hook ran around a step; {@code step} is null for {@code on_failure}. {@code summary} names the class, or says it failed. */
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

    /**
     * Intent: an instance of {@code release} is about to start on {@code port}. {@code run} is its argv as
     * shown (config values masked), {@code command} the release's run command before {@code $VAR}s are
     * expanded: what a later deploy of the same release runs again. {@code adopted} names the standby
     * release whose running instance is taken over instead of starting one (null: a new process).
     */
    record StartingInstance(String release, int port, List<String> run, List<String> command, String adopted) implements DeployEvent {
        public StartingInstance(String release, int port, List<String> run) {
            this(release, port, run, run, null);
        }

        public StartingInstance {
            command = command == null ? run : command;
        }
    }

    /**
     * Intent: the app's nginx site is about to point at {@code release}. {@code previousSite} is the
     * site text to put back (null: the app had no site), {@code previousRelease} the release it served.
     */
    record SwitchingNginx(String release, String previousSite, String previousRelease) implements DeployEvent {
    }

    /** Intent: every step passed; the release record and {@code current} are about to name {@code release}. */
    record Committing(String release) implements DeployEvent {
    }

    /** Intent: these instances drain for {@code drain}, then stop. */
    record Retiring(List<String> releases, Duration drain) implements DeployEvent {
    }

    /**
     * The worker's verdict: the deploy failed at {@code step} (null: before the first step) and must
     * be undone. The daemon undoes it once the worker has exited.
     */
    record Aborting(StepId step, String reason) implements DeployEvent {
    }

    /**
     * What undoing a deploy did: traffic back on {@code servingRelease} (null when nothing was live),
     * the new instance draining for {@code drain}. {@code problems} lists what could not be undone.
     */
    record Reverted(String servingRelease, boolean siteRestored, boolean instanceRetired, Duration drain, List<String> problems)
            implements DeployEvent {
    }

    /** The release is live. */
    record Live(String app, String releaseId, String url) implements DeployEvent {
        @Override
        public boolean terminal() {
            return true;
        }
    }

    /**
     * The deploy failed; {@code step} is null when it failed before the first step. {@code restored}
     * is false when undoing the deploy's changes failed too, so the previous state may not be back.
     */
    record Failed(String app, StepId step, String reason, String previousRelease, boolean restored) implements DeployEvent {
        public Failed(String app, StepId step, String reason, String previousRelease) {
            this(app, step, reason, previousRelease, true);
        }

        @Override
        public boolean terminal() {
            return true;
        }
    }

    /**
     * The deploy never ran: superseded by a newer push of its branch, or cancelled while queued.
     * {@code follow} is the id of the deploy that runs instead, when there is one.
     */
    record Skipped(String app, String reason, String follow) implements DeployEvent {
        @Override
        public boolean terminal() {
            return true;
        }
    }
}
