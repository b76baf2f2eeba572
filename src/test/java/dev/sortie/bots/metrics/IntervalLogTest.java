package dev.sortie.bots.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The interval log: written through RunMetrics' sinks, read back with HdrHistogram's reader, exactly. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IntervalLogTest {

    private static final double[] PERCENTILES = {0, 50, 90, 99, 99.9, 100};

    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(1_790_000_000_123L);
    private final BotContext bot = new BotContext(7, "");

    @Test
    void histogramsAndCountsReadBackExactlyPerActionAndInterval() throws IOException {
        Path hlog = dir.resolve("intervals.hlog");
        IntervalLog log = IntervalLog.open(hlog, IntervalLog.sidecarOf(hlog), clock.get());
        List<Interval> written = new ArrayList<>();
        MetricsSink keep = new MetricsSink() {
            @Override
            public void interval(Interval interval) {
                written.add(interval);
            }
        };
        long[] bots = {3};
        RunMetrics metrics = new RunMetrics(() -> bots[0], List.of(log, keep), false, clock::get, null);
        SplittableRandom random = new SplittableRandom(42);
        String odd = "POST /api/notes, \"quoted\" 100% élan\tx";
        for (int second = 0; second < 3; second++) {
            for (int i = 0; i < 500 + second * 100; i++) {
                long nanos = 1_000_000L + random.nextLong(200_000_000L);
                Outcome outcome = i % 50 == 0 ? Outcome.error("boom") : i % 20 == 0 ? Outcome.fail("no") : Outcome.succeed();
                metrics.actionRan(bot, i % 3 == 0 ? odd : "GET /health", outcome, nanos);
            }
            if (second == 1) {
                metrics.botError();
            }
            clock.addAndGet(1000);
            bots[0] = 3 + second;
            metrics.deliverInterval();
        }
        clock.addAndGet(250); // a shorter last interval, with nothing in it
        metrics.close();

        List<Interval> read = IntervalLogReader.read(hlog, IntervalLog.sidecarOf(hlog));
        assertEquals(4, read.size());
        assertEquals(written.size(), read.size());
        for (int i = 0; i < read.size(); i++) {
            Interval w = written.get(i);
            Interval r = read.get(i);
            assertEquals(w.startMillis(), r.startMillis());
            assertEquals(w.endMillis(), r.endMillis());
            assertEquals(w.bots(), r.bots());
            assertEquals(w.errors(), r.errors());
            assertEquals(List.copyOf(w.actions().keySet()), List.copyOf(r.actions().keySet()));
            for (String action : w.actions().keySet()) {
                Interval.Action wa = w.actions().get(action);
                Interval.Action ra = r.actions().get(action);
                assertEquals(List.of(wa.runs(), wa.ok(), wa.fail(), wa.error()), List.of(ra.runs(), ra.ok(), ra.fail(), ra.error()), action);
                assertEquals(wa.latencyMicros().getTotalCount(), ra.latencyMicros().getTotalCount(), action);
                for (double p : PERCENTILES) {
                    assertEquals(wa.latencyMicros().getValueAtPercentile(p), ra.latencyMicros().getValueAtPercentile(p), action + " p" + p);
                }
            }
        }
        assertEquals(Map.of(), read.get(3).actions(), "the last interval had no runs");
        assertEquals(250, read.get(3).endMillis() - read.get(3).startMillis());
        for (int i = 0; i < 3; i++) {
            long actionErrors = read.get(i).actions().values().stream().mapToLong(Interval.Action::error).sum();
            assertTrue(actionErrors > 0);
            assertEquals(actionErrors + (i == 1 ? 1 : 0), read.get(i).errors(), "the bot error counts in its own interval only");
        }
        assertEquals(List.of(odd, "GET /health"), List.copyOf(read.get(0).actions().keySet()), "in the order actions first ran");

        // the intervals add up to the run's totals, as a merge across machines will add them
        Histogram all = new Histogram(3);
        long runs = 0;
        long errors = 0;
        for (Interval i : read) {
            i.actions().values().forEach(a -> all.add(a.latencyMicros()));
            runs += i.actions().values().stream().mapToLong(Interval.Action::runs).sum();
            errors += i.errors();
        }
        MetricsSnapshot total = metrics.snapshot();
        assertEquals(total.runs(), runs);
        assertEquals(total.runs(), all.getTotalCount());
        assertEquals(total.totalErrorCount(), errors);
        assertEquals(total.actions().get(odd).p99(), mergedP99(read, odd) / 1000.0);
    }

    @Test
    void hdrHistogramsOwnReaderReadsTheSameHistograms() throws IOException {
        Path hlog = dir.resolve("intervals.hlog");
        IntervalLog log = IntervalLog.open(hlog, IntervalLog.sidecarOf(hlog), clock.get());
        RunMetrics metrics = new RunMetrics(() -> 1, List.of(log), false, clock::get, null);
        for (int second = 0; second < 3; second++) {
            for (int i = 1; i <= 300; i++) {
                metrics.actionRan(bot, i % 2 == 0 ? "GET /a, b" : "GET /c", Outcome.succeed(), i * 7_123_457L);
            }
            clock.addAndGet(1000 + second);
            metrics.deliverInterval();
        }
        metrics.close();
        List<Histogram> ours = IntervalLogReader.histograms(hlog);
        List<Histogram> theirs = new ArrayList<>();
        try (HistogramLogReader reader = new HistogramLogReader(hlog.toFile())) {
            while (reader.hasNext()) {
                theirs.add((Histogram) reader.nextIntervalHistogram());
            }
        }
        assertEquals(6, theirs.size());
        assertEquals(theirs.size(), ours.size());
        for (int i = 0; i < ours.size(); i++) {
            Histogram a = ours.get(i);
            Histogram b = theirs.get(i);
            assertEquals(b.getTag(), a.getTag());
            // HdrHistogram's reader truncates to the millisecond below; ours rounds, to what was written
            assertTrue(Math.abs(b.getStartTimeStamp() - a.getStartTimeStamp()) <= 1, "start of " + a.getTag());
            assertTrue(Math.abs(b.getEndTimeStamp() - a.getEndTimeStamp()) <= 1, "end of " + a.getTag());
            assertEquals(b, a, a.getTag());
        }
        assertEquals(List.of("GET%20/c", "GET%20/a%2C%20b"), List.of(theirs.get(0).getTag(), theirs.get(1).getTag()));
        assertEquals(List.of(1_790_000_000_123L, 1_790_000_001_123L, 1_790_000_001_123L, 1_790_000_002_124L),
                List.of(ours.get(0).getStartTimeStamp(), ours.get(0).getEndTimeStamp(), ours.get(2).getStartTimeStamp(), ours.get(2).getEndTimeStamp()));
    }

    private static long mergedP99(List<Interval> intervals, String action) {
        Histogram h = new Histogram(3);
        intervals.stream().map(i -> i.actions().get(action)).filter(a -> a != null).forEach(a -> h.add(a.latencyMicros()));
        return h.getValueAtPercentile(99);
    }

    @Test
    void tagsEscapeWhatTheFormatCannotHoldAndReadBack() {
        assertEquals("GET%20/api/notes%2C%25x", IntervalLog.tag("GET /api/notes,%x"));
        assertEquals("%C3%A9%0A", IntervalLog.tag("é\n"));
        for (String s : List.of("GET /", "a,b c%d", "é\"\\\t", "%zz", "%4", "")) {
            assertEquals(s, IntervalLog.action(IntervalLog.tag(s)), s);
        }
        assertEquals("%zz", IntervalLog.action("%zz"), "a stray percent sign is itself");
    }

    @Test
    void aTornLastLineIsLeftOutAndAnyOtherIsAnError() throws IOException {
        Path hlog = dir.resolve("run.hlog");
        IntervalLog log = IntervalLog.open(hlog, IntervalLog.sidecarOf(hlog), clock.get());
        log.interval(new Interval(clock.get(), clock.get() + 1000, 1, 0, Map.of()));
        log.close();
        Path sidecar = IntervalLog.sidecarOf(hlog);
        assertEquals(dir.resolve("run.jsonl"), sidecar);
        Files.writeString(sidecar, Files.readString(sidecar) + "{\"start_ms\": 12");
        assertEquals(1, IntervalLogReader.read(hlog, sidecar).size());
        Files.writeString(sidecar, "nonsense\n" + Files.readString(sidecar));
        IOException e = assertThrows(IOException.class, () -> IntervalLogReader.read(hlog, sidecar));
        assertTrue(e.getMessage().startsWith(sidecar + ":1: not an interval line"), e.getMessage());
    }
}
