package dev.sortie.bench;

import dev.sortie.bots.metrics.BotRunLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a bot pays to put one line into {@code bot_run.log}, with every JMH thread a bot appending
 * to the same log (a temp file). {@code work} is CPU burnt between two lines (JMH tokens), the
 * bot's action: with {@code work=0} the bots outrun the writer and the figure is the log's
 * sustained rate; with some work (100 tokens) the writer keeps up and the figure, less {@code workOnly}, is the
 * enqueue under contention. Run by {@code bench/bots-log.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BotRunLogBench {

    private static final AtomicLong BOT_IDS = new AtomicLong();

    @Param({"0", "100"})
    public int work;

    private BotRunLog log;
    private Path dir;

    /** One bot: its id and the latencies it reports. */
    @State(Scope.Thread)
    public static class Bot {
        final long id = BOT_IDS.incrementAndGet();
        long n;

        long nanos() {
            n++;
            return 200_000 + (n * 7_919) % 5_000_000;
        }
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("sortie-log-bench");
        log = BotRunLog.open(dir.resolve("bot_run.log"));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        log.close();
        Files.deleteIfExists(log.file());
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public void workOnly(Bot bot) {
        Blackhole.consumeCPU(work);
        bot.nanos();
    }

    @Benchmark
    public void append(Bot bot) {
        Blackhole.consumeCPU(work);
        log.append(bot.id, "GET /api/notes", "succeed", null, bot.nanos());
    }
}
