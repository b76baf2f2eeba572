package dev.sortie.bots.run;

import dev.sortie.bots.metrics.RunMetrics;
import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Outcome;
import dev.sortie.bots.tree.TreeRunner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a run hears of every action before the metrics do: the last problem of each bot (so a
 * failure is reported as data: which action, what kind, why), the all-actions latencies when a
 * threshold needs them, and, in the open model, each arrival's lateness, added to its first
 * action so latency counts from when the arrival was due (no coordinated omission).
 */
final class RunListener implements TreeRunner.Listener {

    /** The runner reports an action cut short by a timeout with this reason. */
    private static final String TIMED_OUT = "timed out";

    /** A bot's last problem, before it is a {@link BotFailure}. */
    record Problem(String action, BotFailure.Kind kind, String reason) {
        BotFailure of(long bot) {
            return new BotFailure(bot, action, kind, reason);
        }
    }

    private final RunMetrics metrics;
    private final boolean fails;
    private final LatencyTotals totals;
    private final ConcurrentHashMap<Long, Problem> problems = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Long> late;

    /**
     * @param fails  keep failures too (integration: a failed check is why a bot did not reach done), not only errors
     * @param totals where every latency goes as well; null when no threshold needs it
     * @param open   an open-model run, whose arrivals may start late
     */
    RunListener(RunMetrics metrics, boolean fails, LatencyTotals totals, boolean open) {
        this.metrics = metrics;
        this.fails = fails;
        this.totals = totals;
        this.late = open ? new ConcurrentHashMap<>() : null;
    }

    @Override
    public void actionRan(BotContext bot, String action, Outcome outcome, long nanos) {
        if (late != null && !late.isEmpty()) {
            Long by = late.remove(bot.botId());
            if (by != null) {
                nanos += by;
            }
        }
        switch (outcome) {
            case Outcome.Error e -> problems.put(bot.botId(), TIMED_OUT.equals(e.reason())
                    ? new Problem(action, BotFailure.Kind.TIMEOUT, "timed out after " + Math.round(nanos / 1e6) + "ms")
                    : new Problem(action, BotFailure.Kind.ERROR, e.reason()));
            case Outcome.Fail f when fails -> problems.put(bot.botId(), new Problem(action, BotFailure.Kind.FAIL,
                    f.reason() == null ? "fail" : f.reason()));
            default -> {
            }
        }
        if (totals != null) {
            totals.record(nanos);
        }
        metrics.actionRan(bot, action, outcome, nanos);
    }

    /** An arrival started {@code nanos} after it was due; its first action's latency will include that. */
    void lateBy(long bot, long nanos) {
        if (late != null && nanos > 0) {
            late.put(bot, nanos);
        }
    }

    /** The bot is over: its last problem (null if none), and nothing more is kept for it. */
    Problem forget(long bot) {
        if (late != null) {
            late.remove(bot);
        }
        return problems.isEmpty() ? null : problems.remove(bot);
    }

    /** The all-actions latencies so far; null if not recorded. */
    LatencyTotals.Percentiles totals() {
        return totals == null ? null : totals.snapshot();
    }
}
