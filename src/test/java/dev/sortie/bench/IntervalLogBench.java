package dev.sortie.bench;

import dev.sortie.bots.metrics.IntervalLog;
import dev.sortie.bots.metrics.MetricsSink;
import dev.sortie.bots.metrics.RunMetrics;
import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the interval log adds to every action run: RunMetrics alone against RunMetrics feeding the
 * interval log, its ticker thread folding the recorders and writing an interval every second
 * while the bots record (bot_run.log is left out: when bots outrun its writer, it is what is
 * measured). Run by {@code bench/bots-report.sh} (JMH).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IntervalLogBench {

    private static final String[] ACTIONS = {"GET /api/notes", "POST /api/notes", "GET /health"};
    private static final Outcome SUCCEEDED = Outcome.succeed();
    private static final AtomicLong BOT_IDS = new AtomicLong();

    private Path dir;
    private RunMetrics metricsOnly;
    private RunMetrics withIntervals;

    /** One bot: its context and the latencies it reports. */
    @State(Scope.Thread)
    public static class Bot {
        final BotContext ctx = new BotContext(BOT_IDS.incrementAndGet(), "http://127.0.0.1:8080");
        long n;

        long nanos() {
            n++;
            return 200_000 + (n * 7_919) % 5_000_000;
        }

        String action() {
            return ACTIONS[(int) (n % ACTIONS.length)];
        }
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("sortie-interval-bench");
        metricsOnly = RunMetrics.feeding(() -> 1, List.of());
        Path hlog = dir.resolve("b.hlog");
        List<MetricsSink> sinks = List.of(IntervalLog.open(hlog, IntervalLog.sidecarOf(hlog), System.currentTimeMillis()));
        withIntervals = RunMetrics.feeding(() -> 1, sinks);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        metricsOnly.close();
        withIntervals.close();
        System.out.println("interval log: " + Files.size(dir.resolve("b.hlog")) + " bytes of hlog and "
                + Files.size(dir.resolve("b.jsonl")) + " bytes of counts");
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Benchmark
    public void metricsOnly(Bot bot) {
        metricsOnly.actionRan(bot.ctx, bot.action(), SUCCEEDED, bot.nanos());
    }

    @Benchmark
    public void withIntervals(Bot bot) {
        withIntervals.actionRan(bot.ctx, bot.action(), SUCCEEDED, bot.nanos());
    }
}
