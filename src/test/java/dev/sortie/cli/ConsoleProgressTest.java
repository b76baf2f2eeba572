package dev.sortie.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sortie.bots.metrics.Interval;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The console's live line as a metrics sink: what it prints for a run's intervals, on a terminal and off one. */
@Timeout(10)
class ConsoleProgressTest {

    /** An interval of one second with {@code runs} runs of one action, each {@code micros} long. */
    private static Interval second(int n, int runs, long micros, long errors, long bots) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < runs; i++) {
            h.recordValue(micros);
        }
        return new Interval(1_000_000L + n * 1000L, 1_000_000L + (n + 1) * 1000L, bots, errors,
                Map.of("GET /", new Interval.Action(h, runs, runs - errors, 0, errors)));
    }

    @Test
    void offATerminalEveryFifthIntervalGetsALineWithTheRunsSoFar() {
        StringWriter text = new StringWriter();
        ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), false, () -> 10);
        for (int i = 0; i < 11; i++) {
            progress.interval(second(i, 100, i < 5 ? 2_000 : 40_000, i == 7 ? 3 : 0, 10));
        }
        progress.close();
        List<String> lines = text.toString().lines().toList();
        assertEquals(List.of(
                "           5s  bots 10/10  requests 500 (100/s)  errors 0  p99 2.0ms",
                "          10s  bots 10/10  requests 1,000 (100/s)  errors 3  p99 40.0ms"), lines);
    }

    @Test
    void onATerminalTheLineIsRewrittenEachIntervalAndEndedAtTheClose() {
        StringWriter text = new StringWriter();
        ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), true, () -> 4);
        progress.interval(second(0, 50, 1_000, 0, 2));
        progress.interval(new Interval(1_001_000L, 1_002_000L, 4, 0, Map.of())); // a second in which nothing ended
        progress.close();
        assertEquals("\r    1s  bots 2/4  requests 50 (50/s)  errors 0  p99 1.0ms   "
                + "\r    2s  bots 4/4  requests 50 (0/s)  errors 0  p99 0.0ms   " + System.lineSeparator(), text.toString());
    }

    @Test
    void aRunThatPrintedNothingEndsNoLine() {
        StringWriter text = new StringWriter();
        ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), false, () -> 1);
        progress.interval(second(0, 1, 1_000, 0, 1));
        progress.close();
        assertEquals("", text.toString());
    }
}
