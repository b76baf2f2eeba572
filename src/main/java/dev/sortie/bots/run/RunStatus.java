package dev.sortie.bots.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The controller's state in amoc's terms: idle, running, terminating, finished or error, with the
 * run's settings and counters; {@code result} is set once an integration run has finished.
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
        @JsonProperty("result") RunResult result) {
}
