package dev.sortie.bots.report;

import dev.sortie.bots.metrics.Interval;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.run.BotFailure;
import dev.sortie.bots.run.ThresholdResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Everything a report shows, as read back from a run dir: the run's settings, its final metrics,
 * how it ended, each second's figures, and each action's latencies over the whole run.
 *
 * @param settings  what the run was asked to do (tree, target, bots, rate, ...), in display order
 * @param metrics   the final metrics snapshot
 * @param ending    how the run ended
 * @param seconds   the interval log's intervals, in order, reduced to what the charts draw
 * @param latencies per action, its intervals' histograms added up (microseconds), for the distribution
 */
public record ReportData(Map<String, String> settings, MetricsSnapshot metrics, Ending ending, List<Second> seconds,
        Map<String, Histogram> latencies) {

    /**
     * The run's result as the report needs it; read from JSON so a result with more fields still renders.
     *
     * @param failures   one record per bot that did not reach done or ended in error, as the result lists them
     * @param thresholds every threshold and how it came out; empty or null when none was set (the report says "none set")
     */
    public record Ending(boolean passed, String reason, long bots, long done, long errors, List<BotFailure> failures,
            List<ThresholdResult> thresholds) {
    }

    /** One interval as the charts draw it: rates, bots, and per action its percentiles in milliseconds. */
    public record Second(long startMillis, long endMillis, long bots, double runsPerSecond, double errorsPerSecond,
            Map<String, Percentiles> actions) {

        static Second of(Interval i) {
            Map<String, Percentiles> actions = new LinkedHashMap<>();
            i.actions().forEach((name, a) -> {
                Histogram h = a.latencyMicros();
                if (h.getTotalCount() > 0) {
                    actions.put(name, new Percentiles(ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                            ms(h.getValueAtPercentile(99)), ms(h.getMaxValue())));
                }
            });
            return new Second(i.startMillis(), i.endMillis(), i.bots(), i.runsPerSecond(), i.errorsPerSecond(), actions);
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }
    }

    /** One action's latencies in one second, in milliseconds. */
    public record Percentiles(double p50, double p90, double p99, double max) {
    }
}
