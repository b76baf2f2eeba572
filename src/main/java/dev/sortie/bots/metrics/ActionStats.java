package dev.sortie.bots.metrics;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts and latencies of one action across all bots. Recording is lock-free (LongAdders and
 * HdrHistogram {@link Recorder}s, striped by thread so bots on different cores do not share one
 * recorder's counters); a snapshot folds every stripe's interval into a running total, so memory
 * stays constant and no sample is lost.
 */
final class ActionStats {

    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder errored = new LongAdder();
    private final LongAdder continued = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    /**
     * One recorder per stripe: a Recorder is wait-free, but every record bumps the same counters, so
     * two cores recording the same action bounce one cache line (bench/bots-metrics.sh).
     */
    private static final int STRIPES = Math.min(64, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1) << 1);
    private final Recorder[] recorders = new Recorder[STRIPES];
    private final Histogram total = new Histogram(3);
    private final Histogram[] recycled = new Histogram[STRIPES]; // each recorder takes back only its own
    private final Histogram interval = new Histogram(3);
    final int order;

    /** @param order when the action first ran in this run, so reports can follow the tree's order */
    ActionStats(int order) {
        this.order = order;
        for (int i = 0; i < STRIPES; i++) {
            recorders[i] = new Recorder(3);
        }
    }

    void record(String outcome, long nanos) {
        switch (outcome) {
            case "succeed", "done" -> succeeded.increment();
            case "fail" -> failed.increment();
            case "continue" -> continued.increment();
            default -> errored.increment();
        }
        totalNanos.add(nanos);
        recorders[stripe()].recordValue(Math.max(1, nanos / 1_000)); // microseconds: 3 significant digits from 1us up
    }

    private static int stripe() {
        long id = Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L; // spread consecutive ids
        return (int) (id >>> 58) & (STRIPES - 1);
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

    /** Moves what every stripe's recorder holds into the running total and the current interval. */
    private void fold() {
        for (int i = 0; i < STRIPES; i++) {
            recycled[i] = recorders[i].getIntervalHistogram(recycled[i]);
            total.add(recycled[i]);
            interval.add(recycled[i]);
        }
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
