package dev.sortie.bots.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One interval of a run (about a second): per action, the latencies recorded in it and its outcome
 * counts, plus the run's errors and the bots alive at its end. Latencies are HdrHistograms in
 * microseconds, so intervals from several machines merge exactly by adding them.
 *
 * @param startMillis epoch milliseconds the interval starts at
 * @param endMillis   epoch milliseconds it ends at (the last interval of a run is usually shorter)
 * @param bots        bots alive when the interval ended
 * @param errors      errors in the interval, including bots that ended in error without an action saying so
 * @param actions     per action that ran in the interval, in the order actions first ran
 */
public record Interval(long startMillis, long endMillis, long bots, long errors, Map<String, Action> actions) {

    public Interval {
        actions = Collections.unmodifiableMap(new LinkedHashMap<>(actions));
    }

    /**
     * One action in one interval.
     *
     * @param latencyMicros every run's latency; its tag is not used (the map key is the action)
     * @param runs          runs that ended in the interval, whatever their outcome (succeed, done, fail, error, continue)
     * @param ok            runs that succeeded (succeed or done)
     */
    public record Action(Histogram latencyMicros, long runs, long ok, long fail, long error) {
    }

    /** Action runs per second in this interval. */
    public double runsPerSecond() {
        return perSecond(actions.values().stream().mapToLong(Action::runs).sum());
    }

    public double errorsPerSecond() {
        return perSecond(errors);
    }

    private double perSecond(long n) {
        long ms = endMillis - startMillis;
        return ms <= 0 ? 0 : n * 1000.0 / ms;
    }
}
