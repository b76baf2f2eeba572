package dev.sortie.bots.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A point-in-time view of a run, as {@code GET /metrics} returns it. Actions are in the order they first ran.
 *
 * @param droppedArrivals open-model runs only (null otherwise): arrivals not started because --max-bots bots were running
 */
public record MetricsSnapshot(
        @JsonProperty("bot_count") long botCount,
        @JsonProperty("total_error_count") long totalErrorCount,
        @JsonProperty("runs") long runs,
        @JsonProperty("actions") Map<String, ActionSnapshot> actions,
        @JsonProperty("dropped_arrivals") @JsonInclude(JsonInclude.Include.NON_NULL) Long droppedArrivals) {

    public MetricsSnapshot(long botCount, long totalErrorCount, long runs, Map<String, ActionSnapshot> actions) {
        this(botCount, totalErrorCount, runs, actions, null);
    }

    /** The worst p99 across actions, in milliseconds. */
    public double worstP99() {
        return actions.values().stream().mapToDouble(ActionSnapshot::p99).max().orElse(0);
    }
}
