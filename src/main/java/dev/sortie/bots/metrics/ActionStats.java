package dev.sortie.bots.metrics;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts and latencies of one action across all bots. Recording is lock-free (LongAdders and an
 * HdrHistogram {@link Recorder}); a snapshot folds the recorder's interval into a running total,
 * so memory stays constant and no sample is lost.
 */
final class ActionStats {

    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder errored = new LongAdder();
    private final LongAdder continued = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private Histogram recycled;
    private final Histogram interval = new Histogram(3);
    final int order;

    /** @param order when the action first ran in this run, so reports can follow the tree's order */
    ActionStats(int order) {
        this.order = order;
    }

    void record(String outcome, long nanos) {
        switch (outcome) {
            case "succeed", "done" -> succeeded.increment();
            case "fail" -> failed.increment();
            case "continue" -> continued.increment();
            default -> errored.increment();
        }
        totalNanos.add(nanos);
        recorder.recordValue(Math.max(1, nanos / 1_000)); // microseconds: 3 significant digits from 1us up
    }

    /** The action's figures so far; latencies in milliseconds. */
    synchronized ActionSnapshot snapshot() {
        fold();
        long s = succeeded.sum();
        long f = failed.sum();
        long e = errored.sum();
        long c = continued.sum();
        long runs = s + f + e + c;
        return new ActionSnapshot(runs == 0 ? 0 : totalNanos.sum() / 1e6 / runs, s, e, f, runs,
                ms(total.getValueAtPercentile(50)), ms(total.getValueAtPercentile(90)),
                ms(total.getValueAtPercentile(99)), ms(total.getMaxValue()));
    }

    /** The latencies recorded since the last call (microseconds), for the interval log; the running total keeps them too. */
    synchronized Histogram takeInterval() {
        fold();
        Histogram out = interval.copy();
        interval.reset();
        return out;
    }

    /** Moves what the recorder holds into the running total and the current interval. */
    private void fold() {
        recycled = recorder.getIntervalHistogram(recycled);
        total.add(recycled);
        interval.add(recycled);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
