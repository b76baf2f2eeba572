package dev.sortie.bench;

import dev.sortie.bots.metrics.BotRunLog;
import dev.sortie.bots.metrics.RunMetrics;
import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Outcome;
import dev.sortie.bots.tree.TreeRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
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
 * What the runner's listener costs per action run: a no-op listener (the floor), {@link RunMetrics}
 * without a log, and RunMetrics with a {@link BotRunLog} to a temp file. Each thread is one bot
 * reporting the same action with latencies spread over 0.2-5.2ms, as the runner reports them.
 * With the log, a thread blocks once the writer is 65,536 lines behind, so that figure is the
 * writer's sustained rate when bots outrun it. {@code hdrRecorderOnly} is the latency recorder
 * RunMetrics uses, alone, to tell how much of the metrics cost it is. Run by {@code bench/bots-metrics.sh} (JMH).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsOverheadBench {

    private static final String ACTION = "GET /api/notes";
    private static final Outcome SUCCEEDED = Outcome.succeed();
    private static final AtomicLong BOT_IDS = new AtomicLong();

    private TreeRunner.Listener noop;
    private RunMetrics metrics;
    private RunMetrics logged;
    private BotRunLog log;
    private Path dir;
    private Recorder recorder;

    /** One bot: its context and the latencies it reports. */
    @State(Scope.Thread)
    public static class Bot {
        final BotContext ctx = new BotContext(BOT_IDS.incrementAndGet(), "http://127.0.0.1:8080");
        long n;

        long nanos() {
            n++;
            return 200_000 + (n * 7_919) % 5_000_000;
        }
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        noop = (bot, action, outcome, nanos) -> {
        };
        metrics = new RunMetrics(() -> 1, null);
        dir = Files.createTempDirectory("sortie-metrics-bench");
        log = BotRunLog.open(dir.resolve("bot_run.log"));
        logged = new RunMetrics(() -> 1, log);
        recorder = new Recorder(3);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        log.close();
        Files.deleteIfExists(log.file());
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public void noopListener(Bot bot) {
        noop.actionRan(bot.ctx, ACTION, SUCCEEDED, bot.nanos());
    }

    @Benchmark
    public void metricsNoLog(Bot bot) {
        metrics.actionRan(bot.ctx, ACTION, SUCCEEDED, bot.nanos());
    }

    @Benchmark
    public void hdrRecorderOnly(Bot bot) {
        recorder.recordValue(Math.max(1, bot.nanos() / 1_000));
    }

    @Benchmark
    public void metricsAndLog(Bot bot) {
        logged.actionRan(bot.ctx, ACTION, SUCCEEDED, bot.nanos());
    }
}
