package dev.sortie.bots.tree;

import static dev.sortie.bots.tree.Trees.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Outcomes, timeouts, parallel groups and stopping, on real (virtual) threads. */
class TreeRunnerTest {

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final TreeRunner runner = new TreeRunner((bot, action, outcome, nanos) -> log.add(action + "=" + outcome.label()));
    private final BotContext ctx = new BotContext(7, "http://127.0.0.1:1");

    private TreeRunner.End run(Node tree) {
        return runner.pass(new Cursor(tree, new SplittableRandom(1), System::nanoTime), ctx, new SplittableRandom(2), () -> false);
    }

    @Test
    void succeedAddsToTheContextForLaterActions() {
        TreeRunner.End end = run(sequence(
                action("login", c -> Outcome.succeed("token", "t-" + c.botId())),
                action("use", c -> c.require("token").equals("t-7") ? Outcome.succeed() : Outcome.fail())));
        assertInstanceOf(TreeRunner.End.Succeeded.class, end);
        assertEquals(List.of("login=succeed", "use=succeed"), log);
    }

    @Test
    void continueRunsTheSameActionAgain() {
        AtomicInteger polls = new AtomicInteger();
        run(sequence(action("poll", c -> polls.incrementAndGet() < 3 ? Outcome.again() : Outcome.succeed()), action("next", c -> Outcome.fail())));
        assertEquals(List.of("poll=continue", "poll=continue", "poll=succeed", "next=fail"), log);
    }

    @Test
    void doneAndErrorEndTheBotWherever() {
        assertInstanceOf(TreeRunner.End.Done.class, run(sequence(a(), repeatUntilFail(done()), a())));
        TreeRunner.End end = run(select(fail(), error("darn")));
        assertEquals(new TreeRunner.End.Error("error: darn"), end);
    }

    @Test
    void anExceptionIsAnErrorNamingTheActionAndTheCause() {
        TreeRunner.End end = run(action("boom", c -> {
            throw new IllegalStateException("no such note\nsecond line");
        }));
        assertEquals(new TreeRunner.End.Error("boom: IllegalStateException: no such note"), end);
        assertEquals(new TreeRunner.End.Error("nil: returned null instead of an outcome"), run(action("nil", c -> null)));
    }

    @Test
    void aTimeoutInterruptsABlockingActionAndFailsTheTimeoutNode() {
        TreeRunner.End end = run(select(
                timeout(action("stuck", c -> {
                    Thread.sleep(60_000);
                    return Outcome.succeed();
                }), Duration.ofMillis(50)),
                action("fallback", c -> Outcome.succeed())));
        assertInstanceOf(TreeRunner.End.Succeeded.class, end);
        assertEquals(List.of("stuck=error", "fallback=succeed"), log);
        assertTrue(!Thread.currentThread().isInterrupted(), "the interrupt does not leak into the bot's next action");
    }

    @Test
    void aTimeoutCutsAWaitShort() {
        long start = System.nanoTime();
        TreeRunner.End end = run(timeout(waitSeconds(60), Duration.ofMillis(30)));
        assertInstanceOf(TreeRunner.End.Failed.class, end);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos());
    }

    @Test
    void parallelAllSucceedsWhenEveryBranchDoesAndMergesTheirContext() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        ActionFn meet = c -> {
            both.countDown();
            return both.await(10, java.util.concurrent.TimeUnit.SECONDS) ? Outcome.succeed() : Outcome.fail();
        };
        TreeRunner.End end = run(sequence(
                parallelAll(sequence(action("x", meet), action("sx", c -> Outcome.succeed("x", 1))),
                        sequence(action("y", meet), action("sy", c -> Outcome.succeed("y", 2)))),
                action("check", c -> c.has("x") && c.has("y") ? Outcome.succeed() : Outcome.fail())));
        assertInstanceOf(TreeRunner.End.Succeeded.class, end, log.toString());
    }

    /** An action that blocks for a minute unless interrupted, and says when it has ended. */
    private static Node slow(CountDownLatch ended, AtomicBoolean finished) {
        return action("slow", c -> {
            try {
                Thread.sleep(60_000);
                finished.set(true);
                return Outcome.succeed();
            } finally {
                ended.countDown();
            }
        });
    }

    @Test
    void parallelAllFailsAtTheFirstFailureAndStopsTheOthers() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        TreeRunner.End end = run(parallelAll(sequence(waitSeconds(0.05), fail()), slow(ended, finished)));
        assertInstanceOf(TreeRunner.End.Failed.class, end);
        assertTrue(ended.await(20, java.util.concurrent.TimeUnit.SECONDS), "the slow branch was interrupted, not left to run its minute");
        assertTrue(!finished.get());
        assertEquals(List.of("fail=fail"), log, "the interrupted branch logs nothing");
    }

    @Test
    void parallelFirstSucceedsWithTheFirstSuccessAndFailsOnlyIfAllFail() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        assertInstanceOf(TreeRunner.End.Succeeded.class, run(parallelFirst(slow(ended, finished), sequence(waitSeconds(0.05), succeed()))));
        assertTrue(ended.await(20, java.util.concurrent.TimeUnit.SECONDS), "the losing branch was stopped");
        assertInstanceOf(TreeRunner.End.Failed.class, run(parallelFirst(fail(), fail(), fail())));
        assertEquals(new TreeRunner.End.Error("error: branch broke"), run(parallelFirst(waitSeconds(30), error("branch broke"))));
    }

    @Test
    void doneInAParallelBranchEndsTheBotEvenWhenTheGroupFails() {
        assertInstanceOf(TreeRunner.End.Done.class, run(parallelAll(done(), sequence(waitSeconds(0.05), fail()))));
        assertInstanceOf(TreeRunner.End.Done.class, run(parallelAll(done(), succeed())));
    }

    @Test
    void stoppingEndsAWaitingBotAtOnce() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        TreeRunner.End[] end = new TreeRunner.End[1];
        Thread bot = Thread.ofVirtual().start(() -> end[0] = runner.pass(
                new Cursor(waitSeconds(60), new SplittableRandom(), System::nanoTime), ctx, new SplittableRandom(), stop::get));
        Thread.sleep(20);
        stop.set(true);
        bot.interrupt();
        bot.join(Duration.ofSeconds(10));
        assertInstanceOf(TreeRunner.End.Stopped.class, end[0]);
    }

    @Test
    void advanceLeavesAWaitingBotAsleepInItsCursorAndCarriesOnWhenCalledAgain() {
        Cursor cursor = new Cursor(sequence(a(), waitSeconds(0.05), a()), new SplittableRandom(1), System::nanoTime);
        long before = System.nanoTime();
        assertEquals(null, runner.advance(cursor, ctx, new SplittableRandom(2), () -> false), "returns at the wait");
        assertTrue(cursor.asleep());
        assertTrue(cursor.wakeAt() - before >= 50_000_000L, "wakes after the wait's 50ms");
        assertEquals(List.of("a=succeed"), log);
        assertEquals(null, runner.advance(cursor, ctx, new SplittableRandom(2), () -> false), "called early, it sleeps on");
        while (System.nanoTime() - cursor.wakeAt() < 0) {
            Thread.onSpinWait();
        }
        assertInstanceOf(TreeRunner.End.Succeeded.class, runner.advance(cursor, ctx, new SplittableRandom(2), () -> false));
        assertEquals(List.of("a=succeed", "a=succeed"), log);

        Cursor stopped = new Cursor(waitSeconds(3600), new SplittableRandom(1), System::nanoTime);
        assertEquals(null, runner.advance(stopped, ctx, new SplittableRandom(2), () -> false));
        assertInstanceOf(TreeRunner.End.Stopped.class, runner.advance(stopped, ctx, new SplittableRandom(2), () -> true),
                "a stopped bot leaves its wait at once");
    }

    @Test
    void advanceCutsAWaitAtItsTimeoutsDeadline() {
        Cursor cursor = new Cursor(select(timeout(waitSeconds(3600), Duration.ofMillis(20)), a()), new SplittableRandom(1), System::nanoTime);
        long before = System.nanoTime();
        assertEquals(null, runner.advance(cursor, ctx, new SplittableRandom(2), () -> false));
        assertTrue(cursor.wakeAt() - before < Duration.ofMinutes(1).toNanos(), "asleep until the deadline, not the hour");
        while (System.nanoTime() - cursor.wakeAt() < 0) {
            Thread.onSpinWait();
        }
        assertInstanceOf(TreeRunner.End.Succeeded.class, runner.advance(cursor, ctx, new SplittableRandom(2), () -> false));
        assertEquals(List.of("a=succeed"), log, "the timeout failed and the select went on to the next child");
    }

    private static Node a() {
        return action("a", c -> Outcome.succeed());
    }
}
