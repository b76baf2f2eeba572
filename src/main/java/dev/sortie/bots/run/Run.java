package dev.sortie.bots.run;

import dev.sortie.bots.metrics.BotRunLog;
import dev.sortie.bots.metrics.MetricsSink;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.metrics.RunMetrics;
import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Cursor;
import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.TreeRunner;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * One run of a bot army: a spawner that keeps the wanted number of bots alive at the ramp rate
 * (or follows the stages, or starts a bot per arrival), the bots themselves (each on a virtual
 * thread while it acts, and an entry in the run's {@link BotTimer} while it waits), the thresholds,
 * and the end of the run.
 */
final class Run {

    private static final long REPLACE_PAUSE_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long GRACE_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long CHECK_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long TICK_NANOS = Duration.ofMillis(100).toNanos();
    private static final int MAX_FAILURES_LISTED = 1000;
    /** After the grace period, how long interrupted bots get before the run ends without them. */
    private static final long ABANDON_NANOS = Duration.ofSeconds(5).toNanos();
    private static final LongSupplier NANO_CLOCK = System::nanoTime;
    private static final VarHandle STOP;

    static {
        try {
            STOP = MethodHandles.lookup().findVarHandle(Bot.class, "stop", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RunSpec spec;
    private final Node tree;
    private final BotRunLog log;
    private final Consumer<RunResult> onEnd;
    private final RunMetrics metrics;
    private final RunListener listener;
    private final TreeRunner runner;
    private final BotTimer timer = new BotTimer("bot-timer");
    private final int treeDepth;
    /** The live bot slots, a list linked through the bots themselves (a map would cost a waiting bot 70 bytes more). */
    private final ReentrantLock rosterLock = new ReentrantLock();
    private Bot first;
    private final AtomicLong lastId = new AtomicLong();
    private final AtomicInteger alive = new AtomicInteger();
    private final AtomicInteger slots = new AtomicInteger();
    private final LongAdder done = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final List<BotFailure> failures = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<RunResult> ended = new CompletableFuture<>();
    private final long startedAt = System.nanoTime();
    private final AtomicInteger wanted = new AtomicInteger();
    private final ArrivalScheduler arrivals;
    private final int maxBots;
    private volatile long endedAt;
    private volatile double rate;
    private volatile Double newArrivalRate;
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
        boolean open = spec.load() instanceof RunSpec.Load.Arrivals;
        List<MetricsSink> all = new ArrayList<>(sinks);
        if (log != null) {
            all.add(0, log);
        }
        this.metrics = RunMetrics.feeding(alive::get, all, open);
        this.listener = new RunListener(metrics, spec.mode() == RunSpec.Mode.INTEGRATION,
                Thresholds.needTotals(spec.thresholds()) ? new LatencyTotals() : null, open);
        this.runner = new TreeRunner(listener);
        this.treeDepth = Cursor.maxDepth(tree);
        this.rate = spec.rate();
        Duration limit = spec.mode() == RunSpec.Mode.INTEGRATION ? spec.runTimeout() : spec.duration();
        switch (spec.load()) {
            case RunSpec.Load.Arrivals a -> {
                this.arrivals = new ArrivalScheduler(a.schedule(), System::nanoTime);
                this.maxBots = a.maxBots();
                limit = limit == null ? a.schedule().length() : limit; // stages end with their last; a constant rate when stopped
            }
            case RunSpec.Load.BotStages s -> {
                this.arrivals = null;
                this.maxBots = 0;
                limit = limit == null ? s.stages().total() : limit;
            }
            case RunSpec.Load.Steady s -> {
                this.arrivals = null;
                this.maxBots = 0;
                this.wanted.set(spec.bots());
            }
        }
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
        timer.start();
        spawner = Thread.ofVirtual().name("bot-spawner").start(this::spawnLoop);
    }

    /**
     * One bot slot: runs a bot and, in load mode, replaces it if it dies. It holds a (virtual)
     * thread only while it acts: at a wait, or in the pause before a replacement, it is an entry in
     * the run's timer, and a new virtual thread carries on when the timer fires or the bot is
     * stopped. The bot is also its own random generator and stop flag, so a waiting bot is this
     * object, its cursor and its context.
     */
    private final class Bot extends BotTimer.Entry implements Runnable, BooleanSupplier, RandomGenerator {
        static final int RUNNING = 0;
        static final int GRACEFUL = 1;
        static final int AT_ONCE = 2;

        /** Open model: the bot runs the tree once, and its latency counts from when it was due. */
        final boolean once;
        final long dueAt;
        volatile int stop = RUNNING;
        /** The thread running the bot now; null while it waits. */
        volatile Thread thread;
        volatile long botId;
        // The bot's state: touched only by the thread that holds the bot (the timer's lock hands it on).
        private BotContext ctx;
        private Cursor cursor;
        private long began;
        private long seed;

        /** The roster's links, guarded by rosterLock. */
        private Bot prev;
        private Bot next;

        Bot(boolean once, long dueAt) {
            this.once = once;
            this.dueAt = dueAt;
        }

        boolean stopping() {
            return stop != RUNNING;
        }

        @Override
        public boolean getAsBoolean() {
            return stop != RUNNING;
        }

        /** SplitMix64, as SplittableRandom: one long of state instead of an object per bot. */
        @Override
        public long nextLong() {
            long z = seed += 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** Asks the bot to stop; false if it was already asked (so no bot is picked twice). */
        boolean stop(boolean atOnce) {
            if (!STOP.compareAndSet(this, RUNNING, atOnce ? AT_ONCE : GRACEFUL)) {
                return false;
            }
            wake(atOnce);
            return true;
        }

        /** Ends the bot now, whatever it was asked before (the end of a run's grace period). */
        void kill() {
            stop = AT_ONCE;
            wake(true);
        }

        /** A waiting bot is taken out of the timer and carries on (to its end) at once; an acting one is interrupted if asked. */
        private void wake(boolean interrupt) {
            if (timer.cancel(this)) {
                Thread.ofVirtual().start(this);
                return;
            }
            Thread t = thread;
            if (t != null) {
                if (interrupt) {
                    t.interrupt();
                } else {
                    LockSupport.unpark(t);
                }
            }
        }

        @Override
        void fire() {
            Thread.ofVirtual().start(this);
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            try {
                while (true) {
                    if (cursor == null) {
                        if (stopping()) {
                            break;
                        }
                        begin();
                    }
                    TreeRunner.End end = runner.advance(cursor, ctx, this, this);
                    if (end == null) { // at a wait
                        if (sleep(cursor.wakeAt())) {
                            return; // the timer has the bot now
                        }
                        continue;
                    }
                    if ((end instanceof TreeRunner.End.Succeeded || end instanceof TreeRunner.End.Failed)
                            && spec.mode() == RunSpec.Mode.LOAD && !once) {
                        cursor.restart(); // load mode: pass after pass until done, error or stop
                        continue;
                    }
                    if (!over(end)) {
                        break;
                    }
                    if (sleep(System.nanoTime() + REPLACE_PAUSE_NANOS)) {
                        return;
                    }
                }
            } catch (RuntimeException | Error e) {
                if (cursor != null) {
                    cursor = null;
                    alive.decrementAndGet();
                    listener.forget(botId);
                }
                errors.increment();
                metrics.botError();
                note(new BotFailure(botId, null, BotFailure.Kind.CRASHED, "crashed: " + e));
            }
            thread = null;
            delist(this);
            slots.decrementAndGet();
            LockSupport.unpark(spawner);
        }

        /** A new bot in this slot: a fresh id, context and cursor. */
        private void begin() {
            long id = lastId.incrementAndGet();
            botId = id;
            ctx = new BotContext(id, spec.target());
            seed = id * 0x9E3779B97F4A7C15L;
            began = System.nanoTime();
            if (once) {
                listener.lateBy(id, began - dueAt);
            }
            cursor = new Cursor(tree, this, NANO_CLOCK, treeDepth);
            alive.incrementAndGet();
        }

        /**
         * Leaves the bot to the timer until {@code at}: true if it is scheduled (the calling thread
         * must then let go of the bot), false if the caller carries on: the time has come, or the bot
         * was stopped meanwhile.
         */
        private boolean sleep(long at) {
            if (at - System.nanoTime() <= 0) {
                return false;
            }
            thread = null;
            if (timer.schedule(this, at)) {
                if (!stopping() || !timer.cancel(this)) {
                    return true; // if it was stopped meanwhile, whoever took it out of the timer carries on
                }
                thread = Thread.currentThread();
                return false;
            }
            thread = Thread.currentThread(); // the run is over and its timer closed: wait here
            while (!stopping() && at - System.nanoTime() > 0) {
                LockSupport.parkNanos(at - System.nanoTime());
            }
            return false;
        }

        /** The bot's pass ended it; true if the slot starts a replacement after a pause (load mode, after an error). */
        private boolean over(TreeRunner.End end) {
            long id = botId;
            cursor = null;
            ctx = null;
            alive.decrementAndGet();
            RunListener.Problem problem = listener.forget(id);
            switch (end) {
                case TreeRunner.End.Done d -> {
                    done.increment();
                    if (spec.mode() == RunSpec.Mode.LOAD && !once && !stopping()) { // a removed bot was already taken off
                        wanted.updateAndGet(w -> Math.max(0, w - 1)); // a bot that is done is not replaced
                    }
                    return false;
                }
                case TreeRunner.End.Error e -> {
                    errors.increment();
                    note(problem != null && problem.kind() == BotFailure.Kind.ERROR
                            ? problem.of(id) : new BotFailure(id, null, BotFailure.Kind.ERROR, e.reason()));
                    return spec.mode() == RunSpec.Mode.LOAD && !once && !stopping();
                }
                case TreeRunner.End.Succeeded s -> {
                    notDone(id, problem);
                    return false;
                }
                case TreeRunner.End.Failed f -> {
                    notDone(id, problem);
                    return false;
                }
                case TreeRunner.End.Stopped s -> {
                    if (spec.mode() == RunSpec.Mode.INTEGRATION && status == BotManager.Status.TERMINATING) {
                        errors.increment();
                        metrics.botError();
                        note(new BotFailure(id, null, BotFailure.Kind.STOPPED, stopReason + " before it finished"
                                + (problem == null ? "" : " (its last problem: " + problem.of(id).what() + ")")));
                    }
                    return false;
                }
            }
        }

        /** A pass that ended without done: an integration bot failed; an arrival's pass is simply over. */
        private void notDone(long id, RunListener.Problem problem) {
            if (spec.mode() != RunSpec.Mode.INTEGRATION) {
                return;
            }
            errors.increment();
            metrics.botError();
            Duration limit = spec.botTimeout();
            boolean outOfTime = limit != null && !limit.isZero() && System.nanoTime() - began >= limit.toNanos();
            String within = limit == null ? "" : BotManager.human(limit);
            if (outOfTime && problem != null && problem.kind() == BotFailure.Kind.TIMEOUT) {
                note(new BotFailure(id, problem.action(), BotFailure.Kind.TIMEOUT, "cut off when the bot's " + within + " ran out"));
            } else if (outOfTime) {
                note(new BotFailure(id, null, BotFailure.Kind.TIMEOUT, "did not reach done within the bot's " + within
                        + (problem == null ? "" : " (its last problem: " + problem.of(id).what() + ")")));
            } else if (problem != null) {
                note(problem.of(id));
            } else {
                note(new BotFailure(id, null, BotFailure.Kind.FAIL, "the tree failed without a failing action (a fail node?)"));
            }
        }
    }

    private void enlist(Bot bot) {
        rosterLock.lock();
        try {
            bot.next = first;
            if (first != null) {
                first.prev = bot;
            }
            first = bot;
        } finally {
            rosterLock.unlock();
        }
    }

    private void delist(Bot bot) {
        rosterLock.lock();
        try {
            if (bot.prev != null) {
                bot.prev.next = bot.next;
            } else if (first == bot) {
                first = bot.next;
            }
            if (bot.next != null) {
                bot.next.prev = bot.prev;
            }
            bot.prev = null;
            bot.next = null;
        } finally {
            rosterLock.unlock();
        }
    }

    /** The live bot slots now, newest first; a copy, so that stopping them does not hold the roster. */
    private List<Bot> roster() {
        rosterLock.lock();
        try {
            List<Bot> all = new ArrayList<>(Math.max(16, slots.get()));
            for (Bot b = first; b != null; b = b.next) {
                all.add(b);
            }
            return all;
        } finally {
            rosterLock.unlock();
        }
    }

    private void note(BotFailure failure) {
        if (failures.size() < MAX_FAILURES_LISTED) {
            failures.add(failure);
        }
    }

    private void spawnLoop() {
        long nextSpawn = System.nanoTime();
        long nextCheck = startedAt + CHECK_NANOS;
        boolean abortable = spec.thresholds().stream().anyMatch(Threshold::abortOnFail);
        try {
            while (true) {
                long now = System.nanoTime();
                if (status == BotManager.Status.RUNNING && endsAt - now <= 0) {
                    terminate(spec.mode() == RunSpec.Mode.LOAD ? "the run's duration ended"
                            : "the run timed out after " + BotManager.human(spec.runTimeout()));
                }
                if (abortable && status == BotManager.Status.RUNNING && nextCheck - now <= 0) {
                    nextCheck += CHECK_NANOS;
                    Optional<ThresholdResult> failed = Thresholds.firstAbort(spec.thresholds(), figures(now));
                    failed.ifPresent(t -> terminate("aborted: the threshold '" + t.threshold() + "' failed (" + t.actual() + ")"));
                }
                if (status == BotManager.Status.TERMINATING) {
                    if (slots.get() == 0) {
                        break;
                    }
                    if (terminateAt - now <= 0) {
                        roster().forEach(Bot::kill);
                    }
                    if (terminateAt + ABANDON_NANOS - now <= 0) {
                        abandonStuckBots();
                        break;
                    }
                    LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                    continue;
                }
                long wakeAt;
                if (arrivals != null) {
                    Double changed = newArrivalRate;
                    if (changed != null) {
                        newArrivalRate = null;
                        arrivals.changeRate(changed);
                    }
                    arrivals.release(this::arrive);
                    if (arrivals.nextAt() == Long.MAX_VALUE && slots.get() == 0) {
                        break; // the last stage is over and every arrival has finished
                    }
                    wakeAt = Math.min(arrivals.nextAt(), now + TICK_NANOS);
                } else {
                    if (spec.load() instanceof RunSpec.Load.BotStages s) {
                        retarget((int) Math.round(s.stages().targetAt(now - startedAt)));
                    }
                    boolean integrationDone = spec.mode() == RunSpec.Mode.INTEGRATION && started >= spec.bots();
                    boolean allDone = spec.load() instanceof RunSpec.Load.Steady && spec.mode() == RunSpec.Mode.LOAD
                            && wanted.get() == 0 && done.sum() > 0;
                    if (integrationDone || allDone) {
                        if (slots.get() == 0) {
                            break;
                        }
                    } else if (slots.get() < wanted.get() && nextSpawn - now <= 0) {
                        startBot(false, 0);
                        double r = rate;
                        // at most an hour between starts, so a tiny rate cannot overflow the clock arithmetic
                        nextSpawn = r > 0 ? Math.max(nextSpawn, now - 1_000_000_000L) + (long) Math.min(1e9 / r, 3.6e12) : now;
                        continue;
                    }
                    wakeAt = now + Math.min(TICK_NANOS, nextSpawn - now > 0 ? nextSpawn - now : TICK_NANOS);
                }
                if (abortable) {
                    wakeAt = Math.min(wakeAt, nextCheck);
                }
                long wait = wakeAt - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            finish(null);
        } catch (RuntimeException | Error e) {
            brokenBecause = e.toString();
            roster().forEach(Bot::kill);
            finish(e.toString());
        }
    }

    private void startBot(boolean once, long dueAt) {
        started++;
        Bot bot = new Bot(once, dueAt);
        enlist(bot);
        slots.incrementAndGet();
        Thread.ofVirtual().start(bot);
    }

    /** An open-model arrival, due at {@code dueAt}: a new bot, unless --max-bots are running. */
    private void arrive(long dueAt) {
        if (slots.get() >= maxBots) {
            dropped.increment();
            metrics.arrivalDropped();
            return;
        }
        startBot(true, dueAt);
    }

    /** Closed-model stages: the wanted number of bots now; bots above it stop after their current action. */
    private void retarget(int target) {
        int now = wanted.get();
        if (target == now) {
            return;
        }
        wanted.set(target);
        if (target < now) {
            // bots already asked to stop still hold their slots until their action ends: count only the others
            List<Bot> all = roster();
            int extra = (int) all.stream().filter(b -> !b.stopping()).count() - target;
            for (Bot bot : all) {
                if (extra <= 0) {
                    break;
                }
                if (bot.stop(false)) {
                    extra--;
                }
            }
        }
    }

    /** Bots whose action ignores interrupts cannot be stopped; the run ends without them, each counted as an error. */
    private void abandonStuckBots() {
        for (Bot bot : roster()) {
            errors.increment();
            metrics.botError();
            note(new BotFailure(bot.botId, null, BotFailure.Kind.CRASHED,
                    "did not stop: its action ignores interrupts (it is left running in the background)"));
        }
    }

    int add(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("add at least 1 bot, got " + n);
        }
        refuseShaped("add");
        wanted.addAndGet(n);
        LockSupport.unpark(spawner);
        return n;
    }

    int remove(int n, boolean atOnce) {
        if (n < 1) {
            throw new IllegalArgumentException("remove at least 1 bot, got " + n);
        }
        refuseShaped("remove");
        // lower the wanted count before any picked bot can exit, or the spawner would replace it
        List<Bot> picked = roster().stream().filter(b -> !b.stopping()).limit(n).toList();
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

    private void refuseShaped(String verb) {
        if (spec.mode() == RunSpec.Mode.INTEGRATION) {
            throw new IllegalStateException(verb.equals("add") ? "bots cannot be added to an integration run"
                    : "bots cannot be removed from an integration run (stop it instead)");
        }
        if (arrivals != null) {
            throw new IllegalStateException("bots cannot be " + verb + (verb.equals("add") ? "ed" : "d") + " by hand in an open-model run"
                    + " (a bot starts per arrival); change its arrival rate with PATCH /settings {\"rate\": R}");
        }
        if (spec.load() instanceof RunSpec.Load.BotStages s) {
            throw new IllegalStateException("bots cannot be " + verb + (verb.equals("add") ? "ed" : "d") + " by hand: the number of bots follows the stages "
                    + s.stages().describe());
        }
    }

    void update(Double newRate, Duration newDuration) {
        if (newRate != null) {
            if (!(newRate >= 0) || newRate.isInfinite()) {
                throw new IllegalArgumentException("rate must be a number of bots per second >= 0, got " + newRate);
            }
            if (arrivals != null) {
                if (newRate == 0) {
                    throw new IllegalArgumentException("an open-model run's rate is its arrival rate: more than 0 (stop the run to end it)");
                }
                newArrivalRate = newRate;
            } else {
                rate = newRate;
            }
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
        roster().forEach(b -> b.stop(false));
        LockSupport.unpark(spawner);
    }

    private Thresholds.Figures figures(long now) {
        MetricsSnapshot m = metrics.snapshot();
        return new Thresholds.Figures(m, listener.totals(), (now - startedAt) / 1e9);
    }

    private void finish(String broken) {
        timer.close(); // every bot has been stopped: none is waiting for it
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
        List<BotFailure> listed;
        synchronized (failures) {
            listed = List.copyOf(failures);
        }
        List<ThresholdResult> judged = Thresholds.judge(spec.thresholds(), figures(endedAt));
        List<ThresholdResult> failedThresholds = judged.stream().filter(t -> !t.passed()).toList();
        boolean integration = spec.mode() == RunSpec.Mode.INTEGRATION;
        boolean botsPassed = integration ? d == spec.bots() && e == 0 : e == 0;
        boolean passed = broken == null && botsPassed && failedThresholds.isEmpty();
        String only = listed.size() == 1 ? ": " + listed.get(0).line() : "";
        String reason;
        if (broken != null) {
            reason = "the run broke: " + broken;
        } else if (botsPassed) {
            reason = integration ? (d == 1 ? "the bot reached done" : "all " + d + " bots reached done")
                    : stopReason != null ? stopReason : arrivals != null ? "every arrival has finished" : "every bot is done";
        } else if (integration) {
            long bad = spec.bots() - d;
            reason = bad + " of " + spec.bots() + (spec.bots() == 1 ? " bot" : " bots") + " did not reach done" + only;
        } else {
            reason = (stopReason != null ? stopReason + "; " : "") + e + (e == 1 ? " bot" : " bots") + " ended with an error" + only;
        }
        if (broken == null && !failedThresholds.isEmpty()) {
            ThresholdResult first = failedThresholds.get(0);
            reason += "; " + failedThresholds.size() + " of " + judged.size() + (judged.size() == 1 ? " threshold" : " thresholds") + " failed: '"
                    + first.threshold() + "' measured " + first.actual() + (failedThresholds.size() > 1 ? ", ..." : "");
        }
        return new RunResult(passed, reason, started, d, e, listed, judged, dropped.sum());
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
        boolean open = arrivals != null;
        String stages = spec.load() instanceof RunSpec.Load.BotStages s ? s.stages().describe() : null;
        Double arrivalRate = null;
        String schedule = null;
        if (open) {
            schedule = arrivals.describe();
            arrivalRate = status == BotManager.Status.RUNNING ? arrivals.rateNow() : 0.0;
        }
        return new RunStatus(status.name().toLowerCase(), spec.mode().name().toLowerCase(), spec.treeName(), spec.target(),
                alive.get(), open ? null : wanted.get(), lastId.get(), open ? null : rate, durationSeconds,
                ((endedAt == 0 ? System.nanoTime() : endedAt) - startedAt) / 1e9,
                brokenBecause != null ? brokenBecause : logTrouble(), result, stages, schedule, arrivalRate,
                open ? maxBots : null, open ? dropped.sum() : null);
    }
}
