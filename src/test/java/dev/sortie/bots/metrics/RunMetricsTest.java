package dev.sortie.bots.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Outcome;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Aggregation: counts per outcome, running average, percentiles, error totals, report order. */
class RunMetricsTest {

    private final BotContext bot = new BotContext(1, "");

    @Test
    void aggregatesCountsAverageAndPercentilesPerAction() {
        RunMetrics m = new RunMetrics(() -> 3, null);
        for (int i = 1; i <= 100; i++) {
            m.actionRan(bot, "GET /", i % 10 == 0 ? Outcome.fail("no") : Outcome.succeed(), i * 1_000_000L); // 1..100 ms
        }
        m.actionRan(bot, "POST /x", Outcome.error("boom"), 5_000_000L);
        m.actionRan(bot, "POST /x", Outcome.again(), 7_000_000L);
        MetricsSnapshot s = m.snapshot();
        assertEquals(3, s.botCount());
        assertEquals(102, s.runs());
        assertEquals(1, s.totalErrorCount());
        assertEquals(List.of("GET /", "POST /x"), List.copyOf(s.actions().keySet()), "in the order they first ran");
        ActionSnapshot get = s.actions().get("GET /");
        assertEquals(new ActionSnapshot(50.5, 90, 0, 10, 100, 50.0, 90.0, 99.0, 100.0), withRoundedPercentiles(get));
        ActionSnapshot post = s.actions().get("POST /x");
        assertEquals(2, post.runs());
        assertEquals(0, post.successCount());
        assertEquals(1, post.errorCount());
        assertEquals(6.0, post.duration());
        assertEquals(99.0, Math.round(s.worstP99() * 10) / 10.0);
    }

    /** HdrHistogram keeps 3 significant digits: 50ms reads back as 50.0xx at most. */
    private static ActionSnapshot withRoundedPercentiles(ActionSnapshot a) {
        return new ActionSnapshot(a.duration(), a.successCount(), a.errorCount(), a.failCount(), a.runs(),
                Math.round(a.p50() * 10) / 10.0, Math.round(a.p90() * 10) / 10.0, Math.round(a.p99() * 10) / 10.0,
                Math.round(a.max() * 10) / 10.0);
    }

    @Test
    void snapshotsWhileRecordingLoseNothing() throws Exception {
        RunMetrics m = new RunMetrics(() -> 0, null);
        int threads = 4;
        int each = 50_000;
        CountDownLatch go = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    m.actionRan(bot, "a", Outcome.succeed(), 1_000 + i);
                }
            });
        }
        go.countDown();
        for (int i = 0; i < 50; i++) {
            m.snapshot(); // interval histograms are folded in while bots keep recording
        }
        for (Thread w : workers) {
            w.join();
        }
        ActionSnapshot a = m.snapshot().actions().get("a");
        assertEquals(threads * each, a.runs());
        assertEquals(threads * each, a.successCount());
    }

    @Test
    void logLinesAreQuotedAndCarryMillisecondsWithThreeDecimals() {
        StringBuilder line = new StringBuilder();
        BotRunLog.format(line, 0, 12, "POST /api \"x\"", "error", "bad\nthing", 1_234_567);
        assertEquals("1970-01-01T00:00:00.000Z error bot_id=12 action=\"POST /api \\\"x\\\"\" outcome=error duration=1.234ms"
                + " reason=\"bad\\nthing\"\n", line.toString());
        line.setLength(0);
        BotRunLog.format(line, 1_000, 3, "GET /", "succeed", null, 12_345_678_901L);
        assertEquals("1970-01-01T00:00:01.000Z info bot_id=3 action=\"GET /\" outcome=succeed duration=12345.678ms\n", line.toString());
    }
}
