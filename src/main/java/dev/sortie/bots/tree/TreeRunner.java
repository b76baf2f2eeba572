package dev.sortie.bots.tree;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * Walks a bot through one pass of its tree: runs each leaf the {@link Cursor} points at (calling
 * actions on the calling thread, forking parallel groups onto virtual threads), enforces timeouts,
 * and reports every action run to a listener. At a wait, {@link #pass} sleeps on the calling
 * thread, while {@link #advance} returns and leaves the bot asleep in its cursor, holding no thread.
 */
public final class TreeRunner {

    /** How a pass ended. */
    public sealed interface End {
        record Succeeded() implements End {
        }

        record Failed() implements End {
        }

        record Done() implements End {
        }

        record Error(String reason) implements End {
        }

        /** The bot was told to stop (removed, or the run is over). */
        record Stopped() implements End {
        }
    }

    /** Told about each action run: which bot, what action, its outcome and how long it took. */
    @FunctionalInterface
    public interface Listener {
        void actionRan(BotContext bot, String action, Outcome outcome, long nanos);
    }

    private static final End SUCCEEDED = new End.Succeeded();
    private static final End FAILED = new End.Failed();
    private static final End DONE = new End.Done();
    private static final End STOPPED = new End.Stopped();
    private static final ScheduledExecutorService TIMER = timer();

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "bot-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true); // an action that finishes in time leaves nothing queued behind
        return t;
    }

    private final Listener listener;

    public TreeRunner(Listener listener) {
        this.listener = listener;
    }

    /**
     * Runs from the cursor's position until the tree finishes once, or the bot ends or is stopped,
     * sleeping through waits on the calling thread.
     */
    public End pass(Cursor cursor, BotContext ctx, RandomGenerator random, BooleanSupplier stopping) {
        return pass(cursor, ctx, random, stopping, Long.MAX_VALUE);
    }

    /**
     * Runs from the cursor's position like {@link #pass}, but does not sleep: at a wait it puts the
     * cursor to sleep ({@link Cursor#sleepUntil}) and returns null, and the caller calls again once
     * {@link Cursor#wakeAt()} has come (or at once, to stop it). So a waiting bot holds no thread.
     * A parallel group still runs on threads of its own until it is decided.
     */
    public End advance(Cursor cursor, BotContext ctx, RandomGenerator random, BooleanSupplier stopping) {
        return advance(cursor, ctx, random, stopping, Long.MAX_VALUE);
    }

    private End pass(Cursor cursor, BotContext ctx, RandomGenerator random, BooleanSupplier stopping, long outerDeadline) {
        while (true) {
            End end = advance(cursor, ctx, random, stopping, outerDeadline);
            if (end != null) {
                return end;
            }
            // Parks rather than sleeps, so a graceful stop can wake a waiting bot with unpark
            // without interrupting bots that are in the middle of an action.
            while (true) {
                if (stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                    return STOPPED;
                }
                long left = cursor.wakeAt() - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                LockSupport.parkNanos(left);
            }
        }
    }

    private End advance(Cursor cursor, BotContext ctx, RandomGenerator random, BooleanSupplier stopping, long outerDeadline) {
        if (cursor.asleep()) {
            if (stopping.getAsBoolean()) {
                return STOPPED;
            }
            if (cursor.wakeAt() - System.nanoTime() > 0) {
                return null; // woken early: sleep on
            }
            Cursor.Progress progress = cursor.wake();
            if (progress != Cursor.Progress.RUNNING) {
                return progress == Cursor.Progress.SUCCEEDED ? SUCCEEDED : FAILED;
            }
        }
        while (true) {
            if (stopping.getAsBoolean()) {
                return STOPPED;
            }
            long deadline = Math.min(cursor.deadline(), outerDeadline);
            Cursor.Progress progress;
            if (deadline != Long.MAX_VALUE && deadline - System.nanoTime() <= 0) {
                if (cursor.deadline() - System.nanoTime() > 0) {
                    return FAILED; // the parallel group this branch runs in timed out
                }
                progress = cursor.expire();
            } else {
                Node.Leaf leaf = cursor.current();
                switch (leaf) {
                    case Node.Wait w -> {
                        sleep(cursor, w, random, deadline);
                        return null;
                    }
                    case Node.Action a -> {
                        Outcome outcome = invoke(a, ctx, deadline, stopping);
                        if (outcome == null) {
                            if (stopping.getAsBoolean()) {
                                return STOPPED;
                            }
                            progress = null; // cut short by a timeout: expired on the next turn
                        } else {
                            switch (outcome) {
                                case Outcome.Succeed s -> {
                                    ctx.putAll(s.additions());
                                    progress = cursor.complete(true);
                                }
                                case Outcome.Fail f -> {
                                    ctx.noteProblem(a.name() + ": " + (f.reason() == null ? "fail" : f.reason()));
                                    progress = cursor.complete(false);
                                }
                                case Outcome.Continue c -> progress = Cursor.Progress.RUNNING;
                                case Outcome.Done d -> {
                                    return DONE;
                                }
                                case Outcome.Error e -> {
                                    ctx.noteProblem(a.name() + ": " + e.reason());
                                    return new End.Error(a.name() + ": " + e.reason());
                                }
                            }
                        }
                    }
                    case Node.Parallel p -> {
                        End end = parallel(p, ctx, random, stopping, deadline);
                        switch (end) {
                            case End.Succeeded s -> progress = cursor.complete(true);
                            case End.Failed f -> progress = deadline != Long.MAX_VALUE && deadline - System.nanoTime() <= 0
                                    ? null : cursor.complete(false);
                            default -> {
                                return end;
                            }
                        }
                    }
                }
            }
            if (progress == Cursor.Progress.SUCCEEDED) {
                return SUCCEEDED;
            }
            if (progress == Cursor.Progress.FAILED) {
                return FAILED;
            }
        }
    }

    /** Puts the cursor to sleep for the wait's time (a random one in min..max), or until a deadline cuts it short. */
    private static void sleep(Cursor cursor, Node.Wait w, RandomGenerator random, long deadline) {
        long nanos = w.min().toNanos();
        long spread = w.max().toNanos() - nanos;
        if (spread > 0) {
            nanos += random.nextLong(spread + 1);
        }
        long now = System.nanoTime();
        if (deadline != Long.MAX_VALUE && deadline - now < nanos) {
            cursor.sleepUntil(now + Math.max(0, deadline - now), false);
        } else {
            cursor.sleepUntil(now + nanos, true);
        }
    }

    /** The action's outcome; null when a deadline or a stop interrupted it. Exceptions become errors. */
    private Outcome invoke(Node.Action a, BotContext ctx, long deadline, BooleanSupplier stopping) {
        Interrupter timer = deadline == Long.MAX_VALUE ? null : new Interrupter(Thread.currentThread(), deadline);
        long start = System.nanoTime();
        Outcome outcome;
        try {
            outcome = a.fn().run(ctx);
            if (outcome == null) {
                outcome = Outcome.error("returned null instead of an outcome");
            }
        } catch (InterruptedException e) {
            outcome = null;
        } catch (Exception | LinkageError | AssertionError e) {
            outcome = Thread.currentThread().isInterrupted() && (stopping.getAsBoolean() || timer != null && timer.fired())
                    ? null : Outcome.error(describe(e));
        }
        long nanos = System.nanoTime() - start;
        if (timer != null && timer.finish()) {
            Thread.interrupted();
            outcome = null;
        }
        if (outcome == null) {
            Thread.interrupted();
            if (!stopping.getAsBoolean()) {
                ctx.noteProblem(a.name() + ": timed out after " + Math.round(nanos / 1e6) + "ms");
                listener.actionRan(ctx, a.name(), Outcome.error("timed out"), nanos);
            }
            return null;
        }
        listener.actionRan(ctx, a.name(), outcome, nanos);
        return outcome;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message.lines().findFirst().orElse(""));
    }

    private End parallel(Node.Parallel p, BotContext ctx, RandomGenerator random, BooleanSupplier stopping, long deadline) {
        int n = p.children().size();
        BotContext[] contexts = new BotContext[n];
        End[] ends = new End[n];
        Thread[] threads = new Thread[n];
        AtomicInteger finished = new AtomicInteger();
        Object lock = new Object();
        AtomicBoolean decided = new AtomicBoolean();
        for (int i = 0; i < n; i++) {
            int k = i;
            contexts[k] = ctx.copy();
            RandomGenerator own = new SplittableRandom(random.nextLong());
            Cursor branch = new Cursor(p.children().get(k), own, System::nanoTime);
            threads[k] = Thread.ofVirtual().unstarted(() -> {
                End end = pass(branch, contexts[k], own, () -> stopping.getAsBoolean() || decided.get(), deadline);
                synchronized (lock) {
                    ends[k] = end;
                    finished.incrementAndGet();
                    lock.notifyAll();
                }
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        End result;
        synchronized (lock) {
            while (true) {
                result = decide(p.all(), ends, finished.get() == n);
                if (result != null) {
                    decided.set(true);
                    break;
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    decided.set(true);
                    result = STOPPED;
                    break;
                }
            }
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (result instanceof End.Succeeded || result instanceof End.Done) {
            for (int i = 0; i < n; i++) {
                if (ends[i] instanceof End.Succeeded || ends[i] instanceof End.Done) {
                    ctx.putAll(contexts[i].values());
                }
            }
        }
        return result;
    }

    /** The group's result once it is known, or null to keep waiting. */
    private static End decide(boolean all, End[] ends, boolean allFinished) {
        boolean anyDone = false;
        for (End e : ends) {
            if (e instanceof End.Error || e instanceof End.Stopped) {
                return e;
            }
            anyDone |= e instanceof End.Done;
        }
        for (End e : ends) {
            if (all && e instanceof End.Failed) {
                return anyDone ? DONE : FAILED; // done in a branch ends the bot once the group is decided
            }
            if (!all && (e instanceof End.Succeeded || e instanceof End.Done)) {
                return anyDone ? DONE : SUCCEEDED;
            }
        }
        if (!allFinished) {
            return null;
        }
        return anyDone ? DONE : all ? SUCCEEDED : FAILED;
    }

    /** Interrupts the bot's thread if its action is still running at the deadline. */
    private static final class Interrupter implements Runnable {
        private final Thread thread;
        private int state; // 0 running, 1 finished, 2 fired (guarded by this)
        private final ScheduledFuture<?> future;

        Interrupter(Thread thread, long deadline) {
            this.thread = thread;
            this.future = TIMER.schedule(this, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        /** Fires and delivers the interrupt in one step, so finish() never clears a flag before it lands. */
        @Override
        public synchronized void run() {
            if (state == 0) {
                state = 2;
                thread.interrupt();
            }
        }

        synchronized boolean fired() {
            return state == 2;
        }

        /** True if the deadline fired before the action finished (its interrupt has been delivered). */
        synchronized boolean finish() {
            if (state == 0) {
                state = 1;
                future.cancel(false);
                return false;
            }
            return true;
        }
    }
}
