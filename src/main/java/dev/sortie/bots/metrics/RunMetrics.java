package dev.sortie.bots.metrics;

import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Outcome;
import dev.sortie.bots.tree.TreeRunner;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Collects what the bots of one run do: per-action counts and latencies, errors, and a line per
 * action in {@code bot_run.log} (when a log is given). Called on every bot thread.
 */
public final class RunMetrics implements TreeRunner.Listener {

    private final ConcurrentHashMap<String, ActionStats> actions = new ConcurrentHashMap<>();
    private final LongAdder totalErrors = new LongAdder();
    private final LongAdder runs = new LongAdder();
    private final AtomicInteger firstSeen = new AtomicInteger();
    private final LongSupplier botCount;
    private final BotRunLog log;
    private final LongAdder droppedArrivals;

    /** @param log where to write a line per action; null for none */
    public RunMetrics(LongSupplier botCount, BotRunLog log) {
        this(botCount, log, false);
    }

    /** @param arrivals an open-model run, which counts dropped arrivals */
    public RunMetrics(LongSupplier botCount, BotRunLog log, boolean arrivals) {
        this.botCount = botCount;
        this.log = log;
        this.droppedArrivals = arrivals ? new LongAdder() : null;
    }

    @Override
    public void actionRan(BotContext bot, String action, Outcome outcome, long nanos) {
        String label = outcome.label();
        actions.computeIfAbsent(action, a -> new ActionStats(firstSeen.getAndIncrement())).record(label, nanos);
        runs.increment();
        if (outcome instanceof Outcome.Error) {
            totalErrors.increment();
        }
        if (log != null) {
            String reason = switch (outcome) {
                case Outcome.Error e -> e.reason();
                case Outcome.Fail f -> f.reason();
                default -> null;
            };
            log.append(bot.botId(), action, label, reason, nanos);
        }
    }

    /** A bot ended in error for a reason no action reported (e.g. an integration tree that failed). */
    public void botError() {
        totalErrors.increment();
    }

    /** An open-model arrival was not started: --max-bots bots were running. */
    public void arrivalDropped() {
        droppedArrivals.increment();
    }

    public MetricsSnapshot snapshot() {
        Map<String, ActionSnapshot> out = new LinkedHashMap<>();
        actions.entrySet().stream().sorted(Comparator.comparingInt(e -> e.getValue().order))
                .forEach(e -> out.put(e.getKey(), e.getValue().snapshot()));
        return new MetricsSnapshot(botCount.getAsLong(), totalErrors.sum(), runs.sum(), out,
                droppedArrivals == null ? null : droppedArrivals.sum());
    }

    /** Action runs so far (cheap: for live progress). */
    public long runs() {
        return runs.sum();
    }

    public long totalErrors() {
        return totalErrors.sum();
    }
}
