package dev.sortie.cli;

import dev.sortie.bots.metrics.Interval;
import dev.sortie.bots.metrics.MetricsSink;
import java.io.PrintWriter;
import java.util.function.IntSupplier;

/**
 * The console's live line of a load run, as one more metrics sink: it gets each interval (a second) as the interval
 * log does, on the metrics thread. On a terminal the line is rewritten in place every interval; elsewhere (a CI log)
 * every fifth interval gets a line of its own. The p99 is the interval's, worst over the actions: what the target
 * does now, not since the start (the summary table has the whole run's).
 */
final class ConsoleProgress implements MetricsSink {

    /** Off a terminal, one line every this many intervals. */
    static final int EVERY = 5;

    private final PrintWriter out;
    private final boolean tty;
    private final IntSupplier wanted;
    private long firstStart = -1;
    private long runs;
    private long errors;
    private int intervals;
    private boolean printed;

    /** @param wanted the bots the run wants now (its bot count, or the open model's cap) */
    ConsoleProgress(PrintWriter out, boolean tty, IntSupplier wanted) {
        this.out = out;
        this.tty = tty;
        this.wanted = wanted;
    }

    @Override
    public void interval(Interval interval) {
        if (firstStart < 0) {
            firstStart = interval.startMillis();
        }
        intervals++;
        runs += interval.actions().values().stream().mapToLong(Interval.Action::runs).sum();
        errors += interval.errors();
        if (!tty && intervals % EVERY != 0) {
            return;
        }
        double p99Millis = interval.actions().values().stream()
                .filter(a -> a.latencyMicros().getTotalCount() > 0)
                .mapToDouble(a -> a.latencyMicros().getValueAtPercentile(99) / 1000.0)
                .max().orElse(0);
        String line = BotReport.progress((interval.endMillis() - firstStart) / 1000.0, (int) interval.bots(), wanted.getAsInt(), runs,
                interval.runsPerSecond(), errors, p99Millis);
        out.print(tty ? "\r" + line + "   " : "       " + line + "\n");
        out.flush();
        printed = true;
    }

    /** The run ended (its last interval came first): a terminal's line is ended, so the summary starts on its own. */
    @Override
    public void close() {
        if (tty && printed) {
            out.println();
            out.flush();
        }
    }
}
