package dev.sortie.bots.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The run's timer on its real thread: order of firing, cancel against fire, close. */
@Timeout(60)
class BotTimerTest {

    private final BotTimer timer = new BotTimer("test-timer");

    /** An entry that records its number when it fires. */
    private static final class Mark extends BotTimer.Entry {
        final int n;
        final List<Integer> fired;
        final CountDownLatch latch;
        final AtomicInteger times = new AtomicInteger();

        Mark(int n, List<Integer> fired, CountDownLatch latch) {
            this.n = n;
            this.fired = fired;
            this.latch = latch;
        }

        @Override
        void fire() {
            times.incrementAndGet();
            fired.add(n);
            latch.countDown();
        }
    }

    @AfterEach
    void close() {
        timer.close();
    }

    @Test
    void entriesFireInTheOrderOfTheirTimesWhateverOrderTheyCameIn() throws Exception {
        List<Integer> fired = new CopyOnWriteArrayList<>();
        int n = 2000;
        CountDownLatch all = new CountDownLatch(n);
        long base = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new java.util.Random(3));
        for (int i : order) {
            assertTrue(timer.schedule(new Mark(i, fired, all), base + i * 20_000L)); // 20 us apart
        }
        assertEquals(n, timer.size());
        timer.start();
        assertTrue(all.await(30, TimeUnit.SECONDS), fired.size() + " of " + n + " fired");
        List<Integer> sorted = new ArrayList<>(fired);
        sorted.sort(null);
        assertEquals(sorted, fired, "fired in time order");
        assertEquals(0, timer.size());
    }

    @Test
    void aCancelledEntryNeverFiresAndEachEntryGoesToExactlyOneOfFireAndCancel() throws Exception {
        timer.start();
        List<Integer> fired = new CopyOnWriteArrayList<>();
        int n = 5000;
        CountDownLatch none = new CountDownLatch(n);
        List<Mark> marks = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(5);
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Mark m = new Mark(i, fired, none);
            marks.add(m);
            timer.schedule(m, now + random.nextLong(TimeUnit.MILLISECONDS.toNanos(50)));
        }
        int cancelled = 0;
        for (Mark m : marks) {
            if (timer.cancel(m)) {
                cancelled++;
            }
        }
        final int taken = cancelled;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (fired.size() + taken < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, fired.size() + cancelled, "every entry fired or was cancelled");
        for (Mark m : marks) {
            assertTrue(m.times.get() <= 1, "an entry fires at most once");
            assertFalse(timer.cancel(m), "nothing is left to cancel");
        }
        Mark far = new Mark(-1, fired, none);
        timer.schedule(far, System.nanoTime() + TimeUnit.HOURS.toNanos(1));
        assertThrows(IllegalStateException.class, () -> timer.schedule(far, System.nanoTime()), "an entry is in the timer once");
        assertTrue(timer.cancel(far));
        assertFalse(timer.cancel(far));
        assertTrue(timer.schedule(far, System.nanoTime() + TimeUnit.HOURS.toNanos(1)), "a cancelled entry can be scheduled again");
    }

    @Test
    void aNewEarliestEntryWakesTheTimerEarly() throws Exception {
        timer.start();
        List<Integer> fired = new CopyOnWriteArrayList<>();
        CountDownLatch soon = new CountDownLatch(1);
        timer.schedule(new Mark(1, fired, new CountDownLatch(1)), System.nanoTime() + TimeUnit.HOURS.toNanos(1));
        Thread.sleep(50); // the timer now sleeps until the hour
        timer.schedule(new Mark(2, fired, soon), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10));
        assertTrue(soon.await(30, TimeUnit.SECONDS));
        assertEquals(List.of(2), fired);
    }

    @Test
    void aClosedTimerRefusesEntriesAndDropsThoseItHeld() throws Exception {
        timer.start();
        List<Integer> fired = new CopyOnWriteArrayList<>();
        Mark held = new Mark(1, fired, new CountDownLatch(1));
        timer.schedule(held, System.nanoTime() + TimeUnit.HOURS.toNanos(1));
        timer.close();
        assertEquals(0, timer.size());
        assertFalse(timer.cancel(held), "dropped, so not cancellable either");
        assertFalse(timer.schedule(new Mark(2, fired, new CountDownLatch(1)), System.nanoTime()), "refused: the caller waits another way");
        assertEquals(List.of(), fired);
    }
}
