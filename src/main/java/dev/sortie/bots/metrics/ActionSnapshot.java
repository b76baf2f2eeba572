package dev.sortie.bots.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * One action's figures, in the bot_army metrics schema ({@code duration} is the running average
 * in milliseconds, {@code success_count}, {@code error_count}) plus {@code fail_count},
 * {@code runs} and latency percentiles in milliseconds.
 */
public record ActionSnapshot(
        @JsonProperty("duration") double duration,
        @JsonProperty("success_count") long successCount,
        @JsonProperty("error_count") long errorCount,
        @JsonProperty("fail_count") long failCount,
        @JsonProperty("runs") long runs,
        @JsonProperty("p50") double p50,
        @JsonProperty("p90") double p90,
        @JsonProperty("p99") double p99,
        @JsonProperty("max") double max) {

    /** How a latency in milliseconds reads in tables and push output: 0.4ms, 27.3ms, 102ms. */
    public static String millis(double ms) {
        return ms >= 100 ? String.format(Locale.ROOT, "%.0fms", ms) : String.format(Locale.ROOT, "%.1fms", ms);
    }
}
