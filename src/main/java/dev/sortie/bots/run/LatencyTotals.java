package dev.sortie.bots.run;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The latency of every action of a run together, for {@code all:} thresholds on percentiles.
 * Recording is lock-free (an HdrHistogram {@link Recorder}, microseconds, 3 significant digits,
 * as per action); only runs with such a threshold pay for it.
 */
public final class LatencyTotals {

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private Histogram recycled;

    /** An exact view of every latency recorded so far. */
    public record Percentiles(Histogram histogram) {
        public long count() {
            return histogram.getTotalCount();
        }

        /** The latency at a percentile (0-100), in milliseconds. */
        public double millisAt(double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    public void record(long nanos) {
        recorder.recordValue(Math.max(1, nanos / 1_000));
    }

    /** Everything recorded until now. */
    public synchronized Percentiles snapshot() {
        recycled = recorder.getIntervalHistogram(recycled);
        total.add(recycled);
        return new Percentiles(total.copy());
    }
}
