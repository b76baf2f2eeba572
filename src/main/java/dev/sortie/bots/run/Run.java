package dev.sortie.bots.run;

import dev.sortie.bots.metrics.BotRunLog;
import dev.sortie.bots.metrics.MetricsSink;
import dev.sortie.bots.metrics.RunMetrics;
import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Cursor;
import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.TreeRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One run of a bot army: a spawner that keeps the wanted number of bots alive at the ramp rate,
 * the bots themselves (one virtual thread each), and the end of the run.
 */
final class Run {

    private static final long REPLACE_PAUSE_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long GRACE_NANOS = Duration.ofSeconds(5).toNanos();
    private static final int MAX_FAILURES_LISTED = 1000;
    /** After the grace period, how long interrupted bots get before the run ends without them. */
    private static final long ABANDON_NANOS = Duration.ofSeconds(5).toNanos();

    private final RunSpec spec;
    private final Node tree;
    private final BotRunLog log;
    private final Consumer<RunResult> onEnd;
    private final RunMetrics metrics;
    private final TreeRunner runner;
    private final ConcurrentHashMap<Long, Bot> bots = new ConcurrentHashMap<>();
    private final AtomicLong lastId = new AtomicLong();
    private final AtomicInteger alive = new AtomicInteger();
    private final AtomicInteger slots = new AtomicInteger();
    private final LongAdder done = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<RunResult> ended = new CompletableFuture<>();
    private final long startedAt = System.nanoTime();
    private final AtomicInteger wanted = new AtomicInteger();
    private volatile long endedAt;
    private volatile double rate;
    private volatile long endsAt;
    private volatile BotManager.Status status = BotManager.Status.RUNNING;
    private volatile String stopReason;
    private volatile String brokenBecause;
    private volatile long terminateAt;
    private int started;
    private Thread spawner;

    /** @param sinks where the metrics go besides the log (e.g. the interval log); closed when the run ends */
    Run(RunSpec spec, Node tree, BotRunLog log, List<MetricsSink> sinks, Consumer<RunResult> onEnd) {
        this.spec = spec;
        this.tree = tree;
        this.log = log;
        this.onEnd = onEnd;
        List<MetricsSink> all = new ArrayList<>(sinks);
        if (log != null) {
            all.add(0, log);
        }
        this.metrics = RunMetrics.feeding(alive::get, all);
        this.runner = new TreeRunner(metrics);
        this.wanted.set(spec.bots());
        this.rate = spec.rate();
        Duration limit = spec.mode() == RunSpec.Mode.LOAD ? spec.duration() : spec.runTimeout();
        this.endsAt = endFor(limit);
    }

    RunSpec spec() {
        return spec;
    }

    RunMetrics metrics() {
        return metrics;
    }

    BotManager.Status status() {
        return status;
    }

    CompletableFuture<RunResult> ended() {
        return ended;
    }

    void begin() {
        spawner = Thread.ofVirtual().name("bot-spawner").start(this::spawnLoop);
    }

    /** One bot slot: a virtual thread that runs a bot, and in load mode replaces it if it dies. */
    private final class Bot implements Runnable {
        static final int RUNNING = 0;
        static final int GRACEFUL = 1;
        static final int AT_ONCE = 2;

        final long slot;
        final AtomicInteger stop = new AtomicInteger(RUNNING);
        volatile Thread thread;

        Bot(long slot) {
            this.slot = slot;
        }

        boolean stopping() {
            return stop.get() != RUNNING;
        }

        /** Asks the bot to stop; false if it was already asked (so no bot is picked twice). */
        boolean stop(boolean atOnce) {
            if (!stop.compareAndSet(RUNNING, atOnce ? AT_ONCE : GRACEFUL)) {
                return false;
            }
            if (atOnce) {
                interrupt();
            } else {
                Thread t = thread;
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
            return true;
        }

        /** Ends the bot now, whatever it was asked before (the end of a run's grace period). */
        void kill() {
            stop.set(AT_ONCE);
            interrupt();
        }

        private void interrupt() {
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            try {
                while (!stopping()) {
                    long id = lastId.incrementAndGet();
                    BotContext ctx = new BotContext(id, spec.target());
                    SplittableRandom random = new SplittableRandom(id * 0x9E3779B97F4A7C15L);
                    Cursor cursor = new Cursor(tree, random, System::nanoTime);
                    alive.incrementAndGet();
                    TreeRunner.End end;
                    try {
                        end = loop(cursor, ctx, random);
                    } finally {
                        alive.decrementAndGet();
                    }
                    switch (end) {
                        case TreeRunner.End.Done d -> {
                            done.increment();
                            if (spec.mode() == RunSpec.Mode.LOAD && !stopping()) { // a removed bot was already taken off
                                wanted.updateAndGet(w -> Math.max(0, w - 1)); // a bot that is done is not replaced
                            }
                            return;
                        }
                        case TreeRunner.End.Error e -> {
                            errors.increment();
                            note("bot " + id + ": " + e.reason());
                            if (spec.mode() == RunSpec.Mode.INTEGRATION) {
                                return;
                            }
                            long until = System.nanoTime() + REPLACE_PAUSE_NANOS;
                            while (!stopping() && until - System.nanoTime() > 0) {
                                LockSupport.parkNanos(until - System.nanoTime());
                            }
                        }
                        case TreeRunner.End.Stopped s -> {
                            if (spec.mode() == RunSpec.Mode.INTEGRATION && status == BotManager.Status.TERMINATING) {
                                errors.increment();
                                metrics.botError();
                                note("bot " + id + ": " + stopReason + " before it finished"
                                        + (ctx.lastProblem() == null ? "" : " (" + ctx.lastProblem() + ")"));
                            }
                            return;
                        }
                        default -> throw new IllegalStateException("a pass cannot end with " + end);
                    }
                }
            } catch (RuntimeException | Error e) {
                errors.increment();
                metrics.botError();
                note("bot slot " + slot + ": crashed: " + e);
            } finally {
                bots.remove(slot);
                slots.decrementAndGet();
                LockSupport.unpark(spawner);
            }
        }

        /** Load mode: pass after pass until done, error or stop. Integration: the wrapped tree, once. */
        private TreeRunner.End loop(Cursor cursor, BotContext ctx, SplittableRandom random) {
            while (true) {
                TreeRunner.End end = runner.pass(cursor, ctx, random, this::stopping);
                if (!(end instanceof TreeRunner.End.Succeeded || end instanceof TreeRunner.End.Failed)) {
                    return end;
                }
                if (spec.mode() == RunSpec.Mode.INTEGRATION) {
                    throw new IllegalStateException("the integration wrapper always ends with done or error");
                }
                cursor.restart();
            }
        }
    }

    private void note(String failure) {
        if (failures.size() < MAX_FAILURES_LISTED) {
            failures.add(failure);
        }
    }

    private void spawnLoop() {
        long nextSpawn = System.nanoTime();
        try {
            while (true) {
                long now = System.nanoTime();
                if (status == BotManager.Status.RUNNING && endsAt - now <= 0) {
                    terminate(spec.mode() == RunSpec.Mode.LOAD ? "the run's duration ended"
                            : "the run timed out after " + BotManager.human(spec.runTimeout()));
                }
                if (status == BotManager.Status.TERMINATING) {
                    if (slots.get() == 0) {
                        break;
                    }
                    if (terminateAt - now <= 0) {
                        bots.values().forEach(Bot::kill);
                    }
                    if (terminateAt + ABANDON_NANOS - now <= 0) {
                        abandonStuckBots();
                        break;
                    }
                    LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                    continue;
                }
                boolean integrationDone = spec.mode() == RunSpec.Mode.INTEGRATION && started >= spec.bots();
                if (integrationDone || spec.mode() == RunSpec.Mode.LOAD && wanted.get() == 0 && done.sum() > 0) {
                    if (slots.get() == 0) {
                        break;
                    }
                } else if (slots.get() < wanted.get() && nextSpawn - now <= 0) {
                    long slot = started++;
                    Bot bot = new Bot(slot);
                    bots.put(slot, bot);
                    slots.incrementAndGet();
                    Thread.ofVirtual().start(bot);
                    double r = rate;
                    // at most an hour between starts, so a tiny rate cannot overflow the clock arithmetic
                    nextSpawn = r > 0 ? Math.max(nextSpawn, now - 1_000_000_000L) + (long) Math.min(1e9 / r, 3.6e12) : now;
                    continue;
                }
                long wait = Math.min(Duration.ofMillis(100).toNanos(), Math.max(0, nextSpawn - now));
                LockSupport.parkNanos(wait == 0 ? Duration.ofMillis(100).toNanos() : wait);
            }
            finish(null);
        } catch (RuntimeException | Error e) {
            brokenBecause = e.toString();
            bots.values().forEach(Bot::kill);
            finish(e.toString());
        }
    }

    /** Bots whose action ignores interrupts cannot be stopped; the run ends without them, each counted as an error. */
    private void abandonStuckBots() {
        for (Bot bot : bots.values()) {
            errors.increment();
            metrics.botError();
            note("bot slot " + bot.slot + " did not stop: its action ignores interrupts (it is left running in the background)");
        }
    }

    int add(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("add at least 1 bot, got " + n);
        }
        if (spec.mode() == RunSpec.Mode.INTEGRATION) {
            throw new IllegalStateException("bots cannot be added to an integration run");
        }
        wanted.addAndGet(n);
        LockSupport.unpark(spawner);
        return n;
    }

    int remove(int n, boolean atOnce) {
        if (n < 1) {
            throw new IllegalArgumentException("remove at least 1 bot, got " + n);
        }
        if (spec.mode() == RunSpec.Mode.INTEGRATION) {
            throw new IllegalStateException("bots cannot be removed from an integration run (stop it instead)");
        }
        // lower the wanted count before any picked bot can exit, or the spawner would replace it
        List<Bot> picked = bots.values().stream().filter(b -> !b.stopping()).limit(n).toList();
        wanted.updateAndGet(w -> Math.max(0, w - picked.size()));
        int removed = 0;
        for (Bot bot : picked) {
            if (bot.stop(atOnce)) {
                removed++;
            }
        }
        if (removed < picked.size()) { // someone else stopped a few of them in the meantime
            int notMine = picked.size() - removed;
            wanted.addAndGet(notMine);
        }
        return removed;
    }

    void update(Double newRate, Duration newDuration) {
        if (newRate != null) {
            if (!(newRate >= 0) || newRate.isInfinite()) {
                throw new IllegalArgumentException("rate must be a number of bots per second >= 0, got " + newRate);
            }
            rate = newRate;
        }
        if (newDuration != null) {
            endsAt = endFor(newDuration);
        }
        LockSupport.unpark(spawner);
    }

    /** When a run limited to {@code limit} ends; null, zero or absurdly long means no limit. */
    private long endFor(Duration limit) {
        if (limit == null || limit.isZero() || limit.isNegative() || limit.compareTo(Duration.ofDays(3650)) > 0) {
            return Long.MAX_VALUE;
        }
        return startedAt + limit.toNanos();
    }

    void terminate(String reason) {
        synchronized (this) {
            if (status != BotManager.Status.RUNNING) {
                return;
            }
            stopReason = reason;
            terminateAt = System.nanoTime() + GRACE_NANOS;
            status = BotManager.Status.TERMINATING;
        }
        wanted.set(0);
        bots.values().forEach(b -> b.stop(false));
        LockSupport.unpark(spawner);
    }

    private void finish(String broken) {
        try {
            metrics.close(); // the log and the other sinks, after the last interval
        } catch (IOException e) {
            broken = broken == null ? e.getMessage() : broken;
        }
        endedAt = System.nanoTime();
        RunResult result = result(broken);
        status = broken == null ? BotManager.Status.FINISHED : BotManager.Status.ERROR;
        if (onEnd != null) {
            try {
                onEnd.accept(result);
            } catch (RuntimeException e) {
                // a listener's trouble must not keep the run from ending
            }
        }
        ended.complete(result);
    }

    private RunResult result(String broken) {
        long d = done.sum();
        long e = errors.sum();
        List<String> listed;
        synchronized (failures) {
            listed = List.copyOf(failures);
        }
        boolean integration = spec.mode() == RunSpec.Mode.INTEGRATION;
        boolean passed = broken == null && (integration ? d == spec.bots() && e == 0 : e == 0);
        String reason;
        if (broken != null) {
            reason = "the run broke: " + broken;
        } else if (passed) {
            reason = integration ? (d == 1 ? "the bot reached done" : "all " + d + " bots reached done")
                    : stopReason != null ? stopReason : "every bot is done";
        } else if (integration) {
            long bad = spec.bots() - d;
            reason = bad + " of " + spec.bots() + (spec.bots() == 1 ? " bot" : " bots") + " did not reach done"
                    + (listed.isEmpty() ? "" : ": " + listed.get(0));
        } else {
            reason = (stopReason != null ? stopReason + "; " : "") + e + (e == 1 ? " bot" : " bots") + " ended with an error"
                    + (listed.isEmpty() ? "" : ": " + listed.get(0));
        }
        return new RunResult(passed, reason, started, d, e, listed);
    }

    /** An unwritable bot_run.log, as the status shows it while the run goes on without it. */
    private String logTrouble() {
        IOException trouble = log == null ? null : log.failure();
        return trouble == null ? null : "cannot write " + log.file() + " (its lines are dropped): " + trouble.getMessage();
    }

    RunStatus describe() {
        RunResult result = ended.getNow(null);
        Duration limit = spec.mode() == RunSpec.Mode.LOAD ? null : spec.runTimeout();
        long end = endsAt;
        Double durationSeconds = end == Long.MAX_VALUE ? null : (end - startedAt) / 1e9;
        if (limit != null && durationSeconds == null) {
            durationSeconds = limit.toMillis() / 1000.0;
        }
        return new RunStatus(status.name().toLowerCase(), spec.mode().name().toLowerCase(), spec.treeName(), spec.target(),
                alive.get(), wanted.get(), lastId.get(), rate, durationSeconds, ((endedAt == 0 ? System.nanoTime() : endedAt) - startedAt) / 1e9,
                brokenBecause != null ? brokenBecause : logTrouble(), result);
    }
}
