package dev.sortie.bots.metrics;

import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Outcome;
import dev.sortie.bots.tree.TreeRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Collects what the bots of one run do (per-action counts and latencies, errors) and feeds its
 * sinks: every action run to the {@link ActionSink}s (e.g. {@code bot_run.log}) on the bot's
 * thread, and one {@link Interval} a second to every sink from a ticker thread. Called on every
 * bot thread; {@link #close()} delivers the last interval and closes the sinks.
 */
public final class RunMetrics implements TreeRunner.Listener, AutoCloseable {

    /** How long an interval of the interval log lasts. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    private final ConcurrentHashMap<String, ActionStats> actions = new ConcurrentHashMap<>();
    private final LongAdder totalErrors = new LongAdder();
    private final LongAdder runs = new LongAdder();
    private final AtomicInteger firstSeen = new AtomicInteger();
    private final LongSupplier botCount;
    private final ActionSink[] actionSinks;
    private final List<MetricsSink> sinks;
    private final LongAdder droppedArrivals;
    private final LongSupplier clockMillis;
    private final Thread ticker;
    /** The ticker's state: where the current interval started and the counts at that point. */
    private long intervalStart;
    private long errorsBefore;
    private final Map<String, ActionSnapshot> countsBefore = new HashMap<>();
    private boolean closed;
    private IOException intervalTrouble;

    /** @param log where to write a line per action; null for none */
    public RunMetrics(LongSupplier botCount, BotRunLog log) {
        this(botCount, log, false);
    }

    /** @param arrivals an open-model run, which counts dropped arrivals */
    public RunMetrics(LongSupplier botCount, BotRunLog log, boolean arrivals) {
        this(botCount, log == null ? List.of() : List.of(log), arrivals, System::currentTimeMillis, log == null ? null : INTERVAL);
    }

    /** Metrics that feed the sinks (in this order); with any sink, a ticker thread delivers an interval a second. */
    public static RunMetrics feeding(LongSupplier botCount, List<? extends MetricsSink> sinks) {
        return feeding(botCount, sinks, false);
    }

    /** @param arrivals an open-model run, which counts dropped arrivals */
    public static RunMetrics feeding(LongSupplier botCount, List<? extends MetricsSink> sinks, boolean arrivals) {
        return new RunMetrics(botCount, sinks, arrivals, System::currentTimeMillis, sinks.isEmpty() ? null : INTERVAL);
    }

    /** @param every how often intervals are delivered; null for only when {@link #deliverInterval()} is called (tests) */
    RunMetrics(LongSupplier botCount, List<? extends MetricsSink> sinks, boolean arrivals, LongSupplier clockMillis, Duration every) {
        this.botCount = botCount;
        this.sinks = List.copyOf(sinks);
        this.actionSinks = sinks.stream().filter(ActionSink.class::isInstance).map(ActionSink.class::cast).toArray(ActionSink[]::new);
        this.droppedArrivals = arrivals ? new LongAdder() : null;
        this.clockMillis = clockMillis;
        this.intervalStart = clockMillis.getAsLong();
        this.ticker = every == null ? null : Thread.ofPlatform().daemon().name("bot-metrics-interval").start(() -> tick(every.toMillis()));
    }

    @Override
    public void actionRan(BotContext bot, String action, Outcome outcome, long nanos) {
        actions.computeIfAbsent(action, a -> new ActionStats(firstSeen.getAndIncrement())).record(outcome.label(), nanos);
        runs.increment();
        if (outcome instanceof Outcome.Error) {
            totalErrors.increment();
        }
        for (ActionSink sink : actionSinks) {
            sink.actionRan(bot.botId(), action, outcome, nanos);
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

    private void tick(long everyMillis) {
        long next = intervalStart + everyMillis;
        while (!Thread.currentThread().isInterrupted()) {
            long wait = next - clockMillis.getAsLong();
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return; // close() delivers the last, shorter interval
                }
            }
            deliverInterval();
            next += everyMillis;
        }
    }

    /** Ends the current interval now and hands it to every sink (no-op once closed). */
    synchronized void deliverInterval() {
        if (closed) {
            return;
        }
        long end = clockMillis.getAsLong();
        Map<String, Interval.Action> in = new LinkedHashMap<>();
        actions.entrySet().stream().sorted(Comparator.comparingInt(e -> e.getValue().order)).forEach(e -> {
            Histogram latencies = e.getValue().takeInterval();
            ActionSnapshot now = e.getValue().snapshot();
            ActionSnapshot before = countsBefore.getOrDefault(e.getKey(), new ActionSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0));
            countsBefore.put(e.getKey(), now);
            long n = now.runs() - before.runs();
            if (n > 0 || latencies.getTotalCount() > 0) {
                in.put(e.getKey(), new Interval.Action(latencies, n, now.successCount() - before.successCount(),
                        now.failCount() - before.failCount(), now.errorCount() - before.errorCount()));
            }
        });
        long errors = totalErrors.sum();
        Interval interval = new Interval(intervalStart, end, botCount.getAsLong(), errors - errorsBefore, in);
        errorsBefore = errors;
        intervalStart = end;
        for (MetricsSink sink : sinks) {
            try {
                sink.interval(interval);
            } catch (IOException e) {
                if (intervalTrouble == null) {
                    intervalTrouble = e; // thrown from close(); the run and the other sinks go on
                }
            } catch (RuntimeException e) {
                if (intervalTrouble == null) {
                    intervalTrouble = new IOException("a metrics sink failed: " + e, e);
                }
            }
        }
    }

    /** Delivers the last interval, then closes every sink; the first sink's trouble is thrown, after all are closed. */
    @Override
    public void close() throws IOException {
        if (ticker != null) {
            ticker.interrupt();
            try {
                ticker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!sinks.isEmpty()) {
            deliverInterval();
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<IOException> trouble = new ArrayList<>();
        if (intervalTrouble != null) {
            trouble.add(intervalTrouble);
        }
        for (MetricsSink sink : sinks) {
            try {
                sink.close();
            } catch (IOException e) {
                trouble.add(e);
            }
        }
        if (!trouble.isEmpty()) {
            IOException first = trouble.get(0);
            trouble.subList(1, trouble.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
