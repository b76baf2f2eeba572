package dev.sortie.bots.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * The queue of {@code bot_run.log} alone, without formatting or the file: the {@link LogRing}
 * against the {@code ArrayBlockingQueue} of entries it replaced (same capacity, 65,536 lines),
 * each JMH thread a bot putting lines in while one consumer thread takes them as the log's writer
 * does (batches of 4,096, a 1 ms nap when it finds fewer). {@code work} is CPU burnt between two
 * lines (JMH tokens), so that the consumer keeps up and the figure is the put itself. In this
 * package because the ring is package-private. Run by {@code bench/bots-log.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LogQueueBench {

    private static final int CAPACITY = 1 << 16;
    private static final int BATCH = 4096;

    /** The entry the old queue carried per line. */
    private record Entry(long epochMillis, long botId, String action, String outcome, String reason, long nanos) {
    }

    @Param({"ring", "locked"})
    public String queue;

    @Param({"0", "100"})
    public int work;

    private LogRing ring;
    private ArrayBlockingQueue<Entry> locked;
    private Thread consumer;
    private volatile boolean stop;
    private volatile long taken;

    @Setup(Level.Trial)
    public void start() {
        stop = false;
        if (queue.equals("ring")) {
            ring = new LogRing(CAPACITY);
            consumer = Thread.ofPlatform().daemon().start(() -> {
                long[] sum = {0};
                LogRing.Reader reader = (m, b, a, o, r, n) -> sum[0] += n;
                while (!stop) {
                    if (ring.drain(reader, BATCH) < BATCH) {
                        nap();
                    }
                }
                taken = sum[0];
            });
        } else {
            locked = new ArrayBlockingQueue<>(CAPACITY);
            consumer = Thread.ofPlatform().daemon().start(() -> {
                long sum = 0;
                List<Entry> batch = new ArrayList<>(BATCH);
                while (!stop) {
                    int n = locked.drainTo(batch, BATCH);
                    for (Entry e : batch) {
                        sum += e.nanos();
                    }
                    batch.clear();
                    if (n < BATCH) {
                        nap();
                    }
                }
                taken = sum;
            });
        }
    }

    private static void nap() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        stop = true;
        if (locked != null) {
            locked.clear(); // a producer blocked on a full queue goes on
        }
        consumer.join();
    }

    /** One bot: its id and the latencies it reports. */
    @State(Scope.Thread)
    public static class Bot {
        static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();
        final long id = IDS.incrementAndGet();
        long n;
    }

    @Benchmark
    public void put(Bot bot) throws InterruptedException {
        Blackhole.consumeCPU(work);
        long nanos = 200_000 + (++bot.n * 7_919) % 5_000_000;
        if (ring != null) {
            ring.put(System.currentTimeMillis(), bot.id, "GET /api/notes", "succeed", null, nanos);
        } else {
            Entry e = new Entry(System.currentTimeMillis(), bot.id, "GET /api/notes", "succeed", null, nanos);
            if (!locked.offer(e)) {
                locked.put(e);
            }
        }
    }

    @Benchmark
    public void workOnly(Bot bot) {
        Blackhole.consumeCPU(work);
        bot.n++;
    }
}
