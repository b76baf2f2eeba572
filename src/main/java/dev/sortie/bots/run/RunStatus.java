package dev.sortie.bots.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The controller's state in amoc's terms: idle, running, terminating, finished or error, with the
 * run's settings and counters; {@code result} is set once a run has finished. The open-model fields
 * ({@code arrivals}, {@code arrival_rate}, {@code max_bots}, {@code dropped_arrivals}) and
 * {@code stages} appear only for runs shaped that way.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunStatus(
        @JsonProperty("status") String status,
        @JsonProperty("mode") String mode,
        @JsonProperty("tree") String tree,
        @JsonProperty("target") String target,
        @JsonProperty("bot_count") Integer botCount,
        @JsonProperty("wanted_bots") Integer wantedBots,
        @JsonProperty("highest_bot_id") Long highestBotId,
        @JsonProperty("rate") Double rate,
        @JsonProperty("duration_seconds") Double durationSeconds,
        @JsonProperty("elapsed_seconds") Double elapsedSeconds,
        @JsonProperty("error") String error,
        @JsonProperty("result") RunResult result,
        @JsonProperty("stages") String stages,
        @JsonProperty("arrivals") String arrivals,
        @JsonProperty("arrival_rate") Double arrivalRate,
        @JsonProperty("max_bots") Integer maxBots,
        @JsonProperty("dropped_arrivals") Long droppedArrivals) {

    /** Nothing has run yet. */
    static RunStatus idle() {
        return new RunStatus("idle", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
