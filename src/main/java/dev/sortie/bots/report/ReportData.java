package dev.sortie.bots.report;

import dev.sortie.bots.metrics.Interval;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.run.ThresholdResult;
import java.util.List;
import java.util.Map;

/**
 * Everything a report shows, as read back from a run dir: the run's settings, its final metrics,
 * how it ended, and its intervals.
 *
 * @param settings  what the run was asked to do (tree, target, bots, rate, ...), in display order
 * @param metrics   the final metrics snapshot
 * @param ending    how the run ended
 * @param intervals the interval log, in order
 */
public record ReportData(Map<String, String> settings, MetricsSnapshot metrics, Ending ending, List<Interval> intervals) {

    /**
     * The run's result as the report needs it; read from JSON so a result with more fields still renders.
     *
     * @param failures   one line per bot that did not reach done, as the result lists them
     * @param thresholds null when the result has none (the report says "none set")
     */
    public record Ending(boolean passed, String reason, long bots, long done, long errors, List<String> failures,
            List<ThresholdResult> thresholds) {
    }
}
