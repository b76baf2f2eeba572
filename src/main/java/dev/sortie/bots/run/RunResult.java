package dev.sortie.bots.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How a run ended. An integration run passes only if every bot reached done with no error; any
 * run passes only if every threshold held.
 *
 * @param failures        one record per bot that did not reach done or ended with an error (the first 1000)
 * @param thresholds      every threshold of the run and how it came out, in the order given
 * @param droppedArrivals open model: arrivals not started because --max-bots bots were running
 */
public record RunResult(
        @JsonProperty("passed") boolean passed,
        @JsonProperty("reason") String reason,
        @JsonProperty("bots") long bots,
        @JsonProperty("done") long done,
        @JsonProperty("errors") long errors,
        @JsonProperty("failures") List<BotFailure> failures,
        @JsonProperty("thresholds") List<ThresholdResult> thresholds,
        @JsonProperty("dropped_arrivals") long droppedArrivals) {

    public RunResult {
        failures = List.copyOf(failures);
        thresholds = List.copyOf(thresholds);
    }

    /** The thresholds that failed. */
    public List<ThresholdResult> failedThresholds() {
        return thresholds.stream().filter(t -> !t.passed()).toList();
    }
}
