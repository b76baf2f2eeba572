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
        List<String> run) {

    public static final String LIVE = "live";
    public static final String FAILED = "failed";

    public ReleaseRecord {
        steps = steps == null ? List.of() : List.copyOf(steps);
        run = run == null ? List.of() : List.copyOf(run);
    }

    @JsonIgnore
    public boolean isLive() {
        return LIVE.equals(outcome);
    }

    /** One step's duration in the record. */
    public record StepTime(String step, double seconds, boolean ok) {
    }
}
