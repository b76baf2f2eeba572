package dev.sortie.bots.tree;

import static dev.sortie.bots.tree.Cursor.Progress.FAILED;
import static dev.sortie.bots.tree.Cursor.Progress.RUNNING;
import static dev.sortie.bots.tree.Cursor.Progress.SUCCEEDED;
import static dev.sortie.bots.tree.Trees.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Every node's semantics, tick by tick: which leaf comes next after each success or failure. */
class CursorTest {

    private long now = 1_000;
    private final Deque<Integer> picks = new ArrayDeque<>();
    private final RandomGenerator scripted = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int nextInt(int bound) {
            int pick = picks.removeFirst();
            if (pick >= bound) {
                throw new AssertionError("scripted pick " + pick + " is out of bound " + bound);
            }
            return pick;
        }
    };

    private static Node a(String name) {
        return action(name, ctx -> Outcome.succeed());
    }

    private Cursor cursor(Node root) {
        return new Cursor(root, scripted, () -> now);
    }

    private static String at(Cursor c) {
        return switch (c.current()) {
            case Node.Action a -> a.name();
            case Node.Wait w -> "wait " + w.min().toMillis() + "ms";
            case Node.Parallel p -> "parallel";
        };
    }

    @Test
    void sequenceRunsChildrenInOrderAndStopsAtTheFirstFailure() {
        Cursor c = cursor(sequence(a("a"), a("b"), a("c")));
        assertEquals("a", at(c));
        assertEquals(RUNNING, c.complete(true));
        assertEquals("b", at(c));
        assertEquals(FAILED, c.complete(false));

        c.restart();
        assertEquals("a", at(c));
        c.complete(true);
        c.complete(true);
        assertEquals("c", at(c));
        assertEquals(SUCCEEDED, c.complete(true));
    }

    @Test
    void selectTriesChildrenUntilOneSucceeds() {
        Cursor c = cursor(select(a("a"), a("b"), a("c")));
        assertEquals(RUNNING, c.complete(false));
        assertEquals("b", at(c));
        assertEquals(SUCCEEDED, c.complete(true));

        c.restart();
        c.complete(false);
        c.complete(false);
        assertEquals("c", at(c));
        assertEquals(FAILED, c.complete(false));
    }

    @Test
    void randomRunsOneChildPickedOnEntryAndEndsWithItsResult() {
        picks.add(2);
        Cursor c = cursor(random(a("a"), a("b"), a("c")));
        assertEquals("c", at(c));
        assertEquals(FAILED, c.complete(false));
        picks.add(0);
        c.restart();
        assertEquals("a", at(c));
        assertEquals(SUCCEEDED, c.complete(true));
    }

    @Test
    void weightedRandomPicksByTicketAcrossTheWeights() {
        Node tree = weightedRandom(weight(1, a("rare")), weight(3, a("common")));
        for (int[] pickAndChild : new int[][] {{0, 0}, {1, 1}, {3, 1}}) {
            picks.add(pickAndChild[0]);
            Cursor c = cursor(tree);
            assertEquals(pickAndChild[1] == 0 ? "rare" : "common", at(c), "ticket " + pickAndChild[0]);
            assertEquals(SUCCEEDED, c.complete(true));
        }
    }

    @Test
    void repeatRunsItsChildNTimesWhateverTheResultThenSucceeds() {
        Cursor c = cursor(sequence(repeat(3, a("a")), a("after")));
        assertEquals(RUNNING, c.complete(false));
        assertEquals("a", at(c));
        assertEquals(RUNNING, c.complete(true));
        assertEquals("a", at(c));
        assertEquals(RUNNING, c.complete(false));
        assertEquals("after", at(c));
    }

    @Test
    void repeatUntilSucceedLoopsOnFailure() {
        Cursor c = cursor(repeatUntilSucceed(a("a")));
        for (int i = 0; i < 5; i++) {
            assertEquals(RUNNING, c.complete(false));
            assertEquals("a", at(c));
        }
        assertEquals(SUCCEEDED, c.complete(true));
    }

    @Test
    void repeatUntilFailLoopsOnSuccessAndThenSucceeds() {
        Cursor c = cursor(repeatUntilFail(a("a")));
        assertEquals(RUNNING, c.complete(true));
        assertEquals(RUNNING, c.complete(true));
        assertEquals(SUCCEEDED, c.complete(false));
    }

    @Test
    void negateFlipsAndAlwaysOverrides() {
        assertEquals(FAILED, cursor(negate(a("a"))).complete(true));
        assertEquals(SUCCEEDED, cursor(negate(a("a"))).complete(false));
        assertEquals(SUCCEEDED, cursor(alwaysSucceed(a("a"))).complete(false));
        assertEquals(FAILED, cursor(alwaysFail(a("a"))).complete(true));
    }

    @Test
    void waitAndParallelAreLeavesTheRunnerRuns() {
        Cursor c = cursor(sequence(waitSeconds(0.25), parallelAll(a("x"), a("y"))));
        assertEquals("wait 250ms", at(c));
        c.complete(true);
        assertInstanceOf(Node.Parallel.class, c.current());
        assertEquals(SUCCEEDED, c.complete(true));
    }

    @Test
    void timeoutSetsADeadlineOnEntryAndFailsAChildThatFinishesLate() {
        Cursor c = cursor(sequence(a("before"), timeout(sequence(a("a"), a("b")), Duration.ofNanos(100))));
        assertEquals(Long.MAX_VALUE, c.deadline());
        c.complete(true);
        assertEquals(1_100, c.deadline());
        now += 50;
        c.complete(true);
        assertEquals("b", at(c));
        now += 100;
        assertEquals(FAILED, c.complete(true), "b finished after the deadline");
    }

    @Test
    void expireAbandonsEverythingInsideTheOutermostExpiredTimeout() {
        Node inner = timeout(sequence(a("a"), a("b")), Duration.ofNanos(500));
        Cursor c = cursor(select(timeout(sequence(inner, a("c")), Duration.ofNanos(100)), a("fallback")));
        assertEquals(1_100, c.deadline(), "the nearer of the two deadlines");
        now += 200;
        assertEquals(RUNNING, c.expire());
        assertEquals("fallback", at(c));
        assertEquals(2, c.depth());
        assertEquals(SUCCEEDED, c.complete(true));
        assertThrows(IllegalStateException.class, cursor(a("x"))::expire);
    }

    @Test
    void retryWaitsWithDoublingBackoffBetweenAttempts() {
        Cursor c = cursor(retry(a("flaky"), 3, Duration.ofMillis(100)));
        assertEquals(RUNNING, c.complete(false));
        assertEquals("wait 100ms", at(c));
        c.complete(true);
        assertEquals("flaky", at(c));
        c.complete(false);
        assertEquals("wait 200ms", at(c));
        c.complete(true);
        assertEquals("flaky", at(c));
        assertEquals(FAILED, c.complete(false), "three attempts used");

        c.restart();
        c.complete(false);
        c.complete(true);
        assertEquals(SUCCEEDED, c.complete(true), "the second attempt worked");
    }

    @Test
    void treesComposeAndTheSameSubtreeCanAppearTwice() {
        Node login = sequence(a("user"), a("password"));
        Node tree = sequence(login, select(a("browse"), login), a("logout"));
        Cursor c = cursor(tree);
        List<String> seen = new java.util.ArrayList<>();
        boolean[] script = {true, true, false, true, true, true};
        Cursor.Progress p = RUNNING;
        for (boolean result : script) {
            seen.add(at(c));
            p = c.complete(result);
        }
        assertEquals(List.of("user", "password", "browse", "user", "password", "logout"), seen);
        assertEquals(SUCCEEDED, p);
    }

    @Test
    void deepTreesGrowTheStack() {
        Node n = a("leaf");
        for (int i = 0; i < 40; i++) {
            n = negate(n);
        }
        Cursor c = cursor(n);
        assertEquals(41, c.depth());
        assertEquals(SUCCEEDED, c.complete(true), "an even number of negations");
    }

    @Test
    void nodesRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> sequence());
        assertThrows(IllegalArgumentException.class, () -> repeat(0, a("a")));
        assertThrows(IllegalArgumentException.class, () -> weight(0, a("a")));
        assertThrows(IllegalArgumentException.class, () -> waitSeconds(2, 1));
        assertThrows(IllegalArgumentException.class, () -> waitSeconds(-1));
        assertThrows(IllegalArgumentException.class, () -> timeout(a("a"), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> retry(a("a"), 0, Duration.ZERO));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> action(ctx -> Outcome.done()));
        assertEquals("an action written as a lambda needs a name: action(\"name\", ctx -> ...)", e.getMessage());
    }

    static Outcome getReady(BotContext ctx) {
        return Outcome.succeed();
    }

    @Test
    void methodReferencesNameTheirAction() {
        Node.Action action = (Node.Action) action(CursorTest::getReady);
        assertEquals("getReady", action.name());
    }

    @Test
    void aSleepingBotWakesIntoTheNextLeafOrIntoItsExpiredTimeout() {
        Cursor c = cursor(sequence(waitSeconds(1), a("after")));
        c.sleepUntil(5_000, true);
        assertEquals(true, c.asleep());
        assertEquals(5_000, c.wakeAt());
        assertEquals(RUNNING, c.wake());
        assertEquals(false, c.asleep());
        assertEquals("after", at(c));
        assertThrows(IllegalStateException.class, c::wake, "only a sleeping bot wakes");
        assertThrows(IllegalStateException.class, () -> c.sleepUntil(1, true), "an action does not sleep");

        Cursor cut = cursor(select(timeout(waitSeconds(60), Duration.ofNanos(500)), a("fallback")));
        cut.sleepUntil(now + 500, false);
        now += 500;
        assertEquals(RUNNING, cut.wake(), "a wait cut short does not complete");
        assertEquals("wait 60000ms", at(cut));
        assertEquals(RUNNING, cut.expire());
        assertEquals("fallback", at(cut));

        Cursor last = cursor(waitSeconds(1));
        last.sleepUntil(2_000, true);
        assertEquals(SUCCEEDED, last.wake(), "a tree that ends in a wait succeeds on waking");
        last.restart();
        last.sleepUntil(3_000, true);
        last.restart();
        assertEquals(false, last.asleep(), "a restart wakes the bot at the first leaf");
    }

    @Test
    void maxDepthIsTheDeepestStackABotCanHave() {
        assertEquals(1, Cursor.maxDepth(waitSeconds(1)));
        assertEquals(3, Cursor.maxDepth(sequence(a("x"), repeat(2, a("y")), select(a("z")))));
        assertEquals(2, Cursor.maxDepth(retry(a("x"), 3, Duration.ofMillis(1))), "a retry holds its backoff wait");
        Node deep = sequence(timeout(retry(sequence(a("x")), 3, Duration.ofMillis(1)), Duration.ofSeconds(1)));
        assertEquals(5, Cursor.maxDepth(deep));
        Cursor c = new Cursor(deep, scripted, () -> now, 1); // grows past its first capacity
        assertEquals(5, c.depth());
        assertEquals(RUNNING, c.complete(false));
        assertEquals("wait 1ms", at(c));
    }
}
