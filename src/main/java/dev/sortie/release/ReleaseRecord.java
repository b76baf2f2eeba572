package dev.sortie.release;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;

/**
 * What {@code releases/<id>/release.json} says about one deploy. Written once, when the deploy ends.
 *
 * @param outcome     {@code live} or {@code failed}
 * @param failedStep  the step that failed, or null
 * @param reason      why it failed, or null
 * @param port        the port the instance listened on, 0 when none was started
 * @param run         the argv the instance ran with, empty when none was started
 * @param kind        what made it: {@code push}, {@code deploy}, {@code rollback}, {@code config}, {@code restart}
 * @param source      the release whose artifact it reuses (rollback, config, restart), null for a build
 * @param by          who asked for it (a user, later an SSH key name)
 * @param configKeys  the config var names of its environment snapshot (never the values)
 * @param configHash  sha256 of its environment snapshot, so two releases' configs can be compared
 * @param artifactBytes bytes of its {@code app/} dir
 * @param hooksHash   the hooks-cache entry its UpgradeHooks came from, null when it has none
 * @param hooks       the hooks that ran, as {@code before_compile}
 * @param bots        the smoke bots' summary line, null when none ran
 */
public record ReleaseRecord(
        String id,
        String app,
        String commit,
        String branch,
        Instant startedAt,
        Instant finishedAt,
        String outcome,
        String failedStep,
        String reason,
        List<StepTime> steps,
        int port,
        List<String> run,
        String kind,
        String source,
        String by,
        List<String> configKeys,
        String configHash,
        long artifactBytes,
        String hooksHash,
        List<String> hooks,
        String bots) {

    public static final String LIVE = "live";
    public static final String FAILED = "failed";

    public ReleaseRecord {
        steps = steps == null ? List.of() : List.copyOf(steps);
        run = run == null ? List.of() : List.copyOf(run);
        kind = kind == null ? "push" : kind;
        configKeys = configKeys == null ? List.of() : List.copyOf(configKeys);
        hooks = hooks == null ? List.of() : List.copyOf(hooks);
    }

    /** A record with only the fields release.json had before kinds, sources and config snapshots. */
    public ReleaseRecord(String id, String app, String commit, String branch, Instant startedAt, Instant finishedAt, String outcome,
            String failedStep, String reason, List<StepTime> steps, int port, List<String> run) {
        this(id, app, commit, branch, startedAt, finishedAt, outcome, failedStep, reason, steps, port, run, null, null, null, null, null,
                0, null, null, null);
    }

    @JsonIgnore
    public boolean isLive() {
        return LIVE.equals(outcome);
    }

    /** One step's duration in the record. */
    public record StepTime(String step, double seconds, boolean ok) {
    }
}
