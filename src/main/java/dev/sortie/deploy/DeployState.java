package dev.sortie.deploy;

import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.StepId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a deploy's journal says happened, folded from its lines: the facts {@code sortie deploys}
 * shows and the intents a reconcile must act on. Pure data; no I/O.
 */
public record DeployState(
        String deployId,
        String app,
        String commit,
        String branch,
        String kind,
        String by,
        DeployEvent.Gate gate,
        Instant queuedAt,
        Instant lastAt,
        Long workerPid,
        boolean started,
        String previousRelease,
        StepId currentStep,
        List<DeployEvent.StepDone> done,
        DeployEvent.StartingInstance instance,
        DeployEvent.SwitchingNginx switching,
        boolean committing,
        DeployEvent.Aborting aborting,
        DeployEvent terminal,
        String source,
        List<DeployEvent.StartingInstance> instances) {

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String LIVE = "live";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    public DeployState {
        done = List.copyOf(done);
        instances = instances == null ? List.of() : List.copyOf(instances);
    }

    /** Folds journal lines into the state they describe. A journal without its Queued line has no state. */
    public static Optional<DeployState> of(List<Journal.Line> lines) {
        Builder b = new Builder();
        for (Journal.Line line : lines) {
            b.add(line);
        }
        return b.deployId == null ? Optional.empty() : Optional.of(b.build());
    }

    /** queued, running, live, failed or skipped. */
    public String status() {
        return switch (terminal) {
            case null -> workerPid == null ? QUEUED : RUNNING;
            case DeployEvent.Live l -> LIVE;
            case DeployEvent.Failed f -> FAILED;
            case DeployEvent.Skipped s -> SKIPPED;
            default -> throw new IllegalStateException("not a terminal event: " + terminal);
        };
    }

    public boolean finished() {
        return terminal != null;
    }

    /** What the deploy was doing last, for people: a step id, "committing", "queued", or how it ended. */
    public String where() {
        if (terminal != null) {
            return status();
        }
        if (committing) {
            return "committing";
        }
        if (currentStep != null) {
            return currentStep.id();
        }
        return workerPid == null ? QUEUED : "starting";
    }

    public Optional<Duration> took() {
        return queuedAt == null || lastAt == null ? Optional.empty() : Optional.of(Duration.between(queuedAt, lastAt));
    }

    private static final class Builder {
        String deployId;
        String app;
        String commit;
        String branch;
        String kind;
        String by;
        DeployEvent.Gate gate;
        Instant queuedAt;
        Instant lastAt;
        Long workerPid;
        boolean started;
        String previousRelease;
        StepId currentStep;
        final List<DeployEvent.StepDone> done = new ArrayList<>();
        DeployEvent.StartingInstance instance;
        DeployEvent.SwitchingNginx switching;
        boolean committing;
        DeployEvent.Aborting aborting;
        DeployEvent terminal;
        String source;
        final List<DeployEvent.StartingInstance> instances = new ArrayList<>();

        void add(Journal.Line line) {
            if (terminal != null) {
                return; // nothing counts after the end
            }
            lastAt = line.at();
            switch (line.event()) {
                case DeployEvent.Queued q -> {
                    deployId = q.deployId();
                    app = q.app();
                    commit = q.commit();
                    branch = q.branch();
                    kind = q.kind();
                    by = q.by();
                    gate = q.gate();
                    source = q.source();
                    queuedAt = line.at();
                }
                case DeployEvent.WorkerStarted w -> workerPid = w.pid();
                case DeployEvent.Started s -> {
                    started = true;
                    previousRelease = s.previousRelease();
                }
                case DeployEvent.StepStarted s -> currentStep = s.step();
                case DeployEvent.StepDone d -> done.add(d);
                case DeployEvent.StartingInstance i -> {
                    instance = instance == null ? i : instance; // the first: the one the record and the hooks name
                    instances.add(i);
                }
                case DeployEvent.SwitchingNginx n -> switching = n;
                case DeployEvent.Committing c -> committing = true;
                case DeployEvent.Aborting a -> aborting = a;
                case DeployEvent e when e.terminal() -> terminal = e;
                default -> {
                }
            }
        }

        DeployState build() {
            return new DeployState(deployId, app, commit, branch, kind, by, gate, queuedAt, lastAt, workerPid, started, previousRelease,
                    currentStep, done, instance, switching, committing, aborting, terminal, source, instances);
        }
    }
}
