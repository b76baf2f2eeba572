package dev.sortie.bots.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A point-in-time view of a run, as {@code GET /metrics} returns it. Actions are in the order they first ran. */
public record MetricsSnapshot(
        @JsonProperty("bot_count") long botCount,
        @JsonProperty("total_error_count") long totalErrorCount,
        @JsonProperty("runs") long runs,
        @JsonProperty("actions") Map<String, ActionSnapshot> actions) {

    /** The worst p99 across actions, in milliseconds. */
    public double worstP99() {
        return actions.values().stream().mapToDouble(ActionSnapshot::p99).max().orElse(0);
    }
}
