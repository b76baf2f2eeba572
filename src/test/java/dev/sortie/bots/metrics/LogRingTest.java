package dev.sortie.bots.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The log's ring with real threads: every line arrives once, in each producer's order, through a ring far smaller than the load. */
@Timeout(120)
class LogRingTest {

    @Test
    void manyProducersOneConsumerLoseNothingAndKeepEachProducersOrder() throws Exception {
        int producers = 4;
        int each = 50_000;
        LogRing ring = new LogRing(64); // full most of the time: producers wait for the consumer
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            String name = "p" + p;
            long id = p;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int k = 0; k < each; k++) {
                    ring.put(1000L + k, id, name, "succeed", k % 7 == 0 ? "r" + k : null, k);
                }
            }));
        }
        long[] next = new long[producers];
        int[] got = {0};
        String[] problem = {null};
        LogRing.Reader check = (millis, botId, action, outcome, reason, nanos) -> {
            int p = (int) botId;
            if (nanos != next[p] || millis != 1000L + nanos || !action.equals("p" + p)
                    || !java.util.Objects.equals(reason, nanos % 7 == 0 ? "r" + nanos : null)) {
                problem[0] = problem[0] != null ? problem[0] : "producer " + p + ": expected line " + next[p] + ", got " + nanos + " " + action + " " + reason;
            }
            next[p] = nanos + 1;
            got[0]++;
        };
        while (got[0] < producers * each) {
            if (ring.drain(check, 100) == 0) {
                Thread.onSpinWait();
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(null, problem[0]);
        assertEquals(producers * each, got[0]);
        assertEquals(0, ring.pending());
        assertEquals(0, ring.drain(check, 100), "nothing more");
    }

    @Test
    void drainTakesAtMostWhatItIsAskedForOldestFirst() {
        LogRing ring = new LogRing(8);
        for (int k = 0; k < 5; k++) {
            ring.put(k, 1, "a", "fail", null, k);
        }
        List<Long> seen = new ArrayList<>();
        assertEquals(3, ring.drain((m, b, a, o, r, n) -> seen.add(n), 3));
        assertEquals(2, ring.pending());
        assertEquals(2, ring.drain((m, b, a, o, r, n) -> seen.add(n), 10));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seen);
        assertThrows(IllegalArgumentException.class, () -> new LogRing(100));
    }
}
