package dev.sortie.bots.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.metrics.MetricsSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ThresholdTest {

    @Test
    void parsesActionMetricComparisonAndUnit() {
        Threshold t = Threshold.parse("GET /api/notes: p99 < 200ms");
        assertEquals("GET /api/notes", t.action());
        assertEquals(Threshold.Metric.P99, t.metric());
        assertEquals(Threshold.Comparison.LT, t.comparison());
        assertEquals(200.0, t.limit());
        assertFalse(t.abortOnFail());

        assertEquals(1500.0, Threshold.parse("all: max <= 1.5s").limit());
        Threshold all = Threshold.parse("all: error_rate < 1%");
        assertNull(all.action(), "all: is every action together");
        assertEquals(1.0, all.limit());
        assertEquals(500.0, Threshold.parse("all: rps > 500").limit());
        assertEquals(500.0, Threshold.parse("all: rps >= 500/s").limit());
        assertEquals(Threshold.Comparison.GE, Threshold.parse("all: count >= 10").comparison());
        assertEquals(Threshold.Metric.FAIL_RATE, Threshold.parse("check: fail_rate<0.5%").metric());
    }

    @Test
    void anActionNameMayHoldColonsAndTheOptionComesLast() {
        Threshold t = Threshold.parse("  GET /a:b: p50 < 3ms, abort_on_fail ");
        assertEquals("GET /a:b", t.action());
        assertTrue(t.abortOnFail());
        assertEquals("GET /a:b: p50 < 3ms", t.text());
        assertEquals("GET /a:b: p50 < 3ms, abort_on_fail", t.describe());
    }

    @Test
    void mistakesNameTheTextAndWhatIsAllowed() {
        assertEquals("threshold 'all: p95 < 1ms': unknown metric 'p95' (metrics are p50, p90, p99, max, avg, error_rate, fail_rate, rps, count)",
                message("all: p95 < 1ms"));
        assertEquals("threshold 'all: p99 < 200': '200' is not a latency: p99 takes a number with ms or s, like 200ms or 1.5s",
                message("all: p99 < 200"));
        assertEquals("threshold 'all: error_rate < 0.01': '0.01' is not a rate: error_rate takes a percentage, like 1% or 0.5%",
                message("all: error_rate < 0.01"));
        assertEquals("threshold 'all: p99 = 2ms': '=' is not a comparison here (use <, <=, > or >=)", message("all: p99 = 2ms"));
        assertEquals("threshold 'all: p99 2ms': no comparison after p99 (use <, <=, > or >=)", message("all: p99 2ms"));
        assertEquals("threshold 'all: p99 <': no value after <", message("all: p99 <"));
        assertEquals("threshold 'all: error_rate < 120%': 120% is more than 100%", message("all: error_rate < 120%"));
        assertEquals("threshold 'all: count > 1.5': '1.5' is not a count: count takes a whole number of action runs, like 1000",
                message("all: count > 1.5"));
        assertEquals("threshold 'all: p99 < 2ms, abort': unknown option 'abort' (the only option is abort_on_fail)",
                message("all: p99 < 2ms, abort"));
        assertTrue(message("p99 < 2ms").startsWith("threshold 'p99 < 2ms': no ACTION: before the metric; expected ACTION: METRIC OP VALUE"),
                message("p99 < 2ms"));
        assertTrue(message(" ").startsWith("threshold '': it is empty; expected"), message(" "));
    }

    private static String message(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Threshold.parse(text)).getMessage();
    }

    private static ActionSnapshot action(long ok, long fail, long error, double avg, double p50, double p90, double p99, double max) {
        return new ActionSnapshot(avg, ok, error, fail, ok + fail + error, p50, p90, p99, max);
    }

    private static Thresholds.Figures figures(double seconds) {
        Map<String, ActionSnapshot> actions = new LinkedHashMap<>();
        actions.put("GET /a", action(90, 5, 5, 10, 8, 15, 40, 90));
        actions.put("POST /b", action(100, 0, 0, 20, 18, 25, 30, 35));
        LatencyTotals totals = new LatencyTotals();
        for (int i = 1; i <= 100; i++) {
            totals.record(i * 1_000_000L); // 1ms .. 100ms
        }
        return new Thresholds.Figures(new MetricsSnapshot(2, 5, 200, actions), totals.snapshot(), seconds);
    }

    private static ThresholdResult judge(String threshold) {
        return Thresholds.judge(List.of(Threshold.parse(threshold)), figures(4)).get(0);
    }

    @Test
    void judgesEachMetricPerActionAndForAll() {
        assertEquals(new ThresholdResult("GET /a: p99 < 50ms", "40.0ms", true), judge("GET /a: p99 < 50ms"));
        assertEquals(new ThresholdResult("GET /a: p99 < 40ms", "40.0ms", false), judge("GET /a: p99 < 40ms"));
        assertEquals(new ThresholdResult("GET /a: p99 <= 40ms", "40.0ms", true), judge("GET /a: p99 <= 40ms"));
        assertEquals("5.00%", judge("GET /a: error_rate < 1%").actual());
        assertFalse(judge("GET /a: error_rate < 1%").passed());
        assertEquals("2.50%", judge("all: error_rate < 3%").actual(), "5 errors in 200 runs");
        assertEquals("2.50%", judge("all: fail_rate < 3%").actual());
        assertEquals("50.0/s", judge("all: rps > 49").actual(), "200 runs in 4s");
        assertTrue(judge("all: rps > 49").passed());
        assertEquals("25.0/s", judge("POST /b: rps > 49").actual());
        assertEquals("200", judge("all: count >= 200").actual());
        assertEquals("15.0ms", judge("all: avg < 16ms").actual(), "(10*100 + 20*100) / 200");
        assertEquals("90.0ms", judge("all: max < 1s").actual());
        assertEquals("18.0ms", judge("POST /b: p50 < 20ms").actual());
        assertEquals("50.0ms", judge("all: p50 < 60ms").actual(), "from every latency together, not from the actions' p50s");
        assertEquals("99.0ms", judge("all: p99 < 100ms").actual());
        assertEquals("90.0ms", judge("all: p90 < 100ms").actual());
    }

    @Test
    void aThresholdOnAnActionThatNeverRanFailsAndSaysWhichActionsDid() {
        ThresholdResult r = judge("GET /typo: p99 < 1s");
        assertFalse(r.passed());
        assertEquals("never ran (the actions are GET /a, POST /b)", r.actual());
        ThresholdResult empty = Thresholds.judge(List.of(Threshold.parse("all: p99 < 1s")),
                new Thresholds.Figures(new MetricsSnapshot(0, 0, 0, Map.of()), new LatencyTotals().snapshot(), 1)).get(0);
        assertEquals(new ThresholdResult("all: p99 < 1s", "no action ran", false), empty);
    }

    @Test
    void abortOnFailIsJudgedWhileRunningExceptLowerBoundsThatStillClimb() {
        List<Threshold> ts = List.of(Threshold.parse("all: rps > 1000, abort_on_fail"), Threshold.parse("all: count > 1000, abort_on_fail"),
                Threshold.parse("GET /never: p99 < 1ms, abort_on_fail"), Threshold.parse("all: p99 < 1ms"));
        assertTrue(Thresholds.firstAbort(ts, figures(4)).isEmpty(), "rps and count lower bounds wait for the end; unmeasured and plain ones never abort");
        List<Threshold> abort = List.of(Threshold.parse("all: error_rate < 1%, abort_on_fail"), Threshold.parse("all: rps < 10, abort_on_fail"));
        assertEquals(new ThresholdResult("all: error_rate < 1%, abort_on_fail", "2.50%", false), Thresholds.firstAbort(abort, figures(4)).orElseThrow());
    }

    @Test
    void totalsAreRecordedOnlyWhenAnAllPercentileNeedsThem() {
        assertTrue(Thresholds.needTotals(List.of(Threshold.parse("all: p90 < 1s"))));
        assertFalse(Thresholds.needTotals(List.of(Threshold.parse("all: max < 1s"), Threshold.parse("GET /a: p99 < 1s"))));
    }
}
