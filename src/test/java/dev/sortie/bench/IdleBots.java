package dev.sortie.bench;

import dev.sortie.bots.run.BotManager;
import dev.sortie.bots.run.RunSpec;
import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.Trees;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.management.ObjectName;

/**
 * What an idle bot costs: starts N bots that each wait an hour, then weighs the heap after a full
 * GC against the same JVM before the run. Run by {@code bench/bots-idle.sh}, one JVM per N:
 * <pre>java -Xmx20g -cp TEST_CLASSPATH dev.sortie.bench.IdleBots [--histogram ROWS] [--bare] N</pre>
 * {@code --histogram} also prints the classes that grew most per bot (GC.class_histogram before
 * and after, through the DiagnosticCommand MBean); {@code --bare} weighs plain virtual threads
 * parked for an hour instead of bots, the floor a bot cannot go under while it owns a thread;
 * {@code --warmup 0} measures bots started before anything was JIT-compiled (default: 5 warm-up
 * runs of 10,000).
 * Not a test: a main, run by hand.
 */
public final class IdleBots {

    private static final Node IDLE = Trees.waitSeconds(3600);

    public static void main(String[] args) throws Exception {
        int rows = 0;
        int warmups = 5;
        boolean bare = false;
        int n = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--histogram" -> rows = Integer.parseInt(args[++i]);
                case "--bare" -> bare = true;
                case "--warmup" -> warmups = Integer.parseInt(args[++i]);
                default -> n = Integer.parseInt(args[i]);
            }
        }
        if (n < 1) {
            throw new IllegalArgumentException("usage: IdleBots [--histogram ROWS] [--warmup RUNS] [--bare] N (N >= 1)");
        }
        if (bare) {
            bare(n, rows, warmups);
            return;
        }
        try (BotManager manager = new BotManager()) {
            // Load and JIT what a run uses, so the baseline holds the classes and the delta only bots.
            // A parked thread's stack chunk holds its frames as they were when it parked:
            // interpreted frames are about three times the size of compiled ones.
            for (int i = 0; i < warmups; i++) {
                run(manager, 10_000);
                stop(manager);
            }
            long baseHeap = usedAfterFullGc();
            long baseRss = rssBytes();
            Map<String, long[]> before = rows > 0 ? histogram() : Map.of();

            long startNanos = run(manager, n);
            long heap = usedAfterFullGc();
            long rss = rssBytes();
            long perBot = (heap - baseHeap) / n;
            System.out.printf(Locale.ROOT, "bots=%d gc=%s warmup=%d start=%.2fs heap_delta=%s bytes_per_bot=%d rss_delta=%s rss_per_bot=%d%n",
                    n, gcName(), warmups, startNanos / 1e9, mib(heap - baseHeap), perBot, mib(rss - baseRss), (rss - baseRss) / n);
            if (rows > 0) {
                printTopGrowth(before, histogram(), n, rows);
            }
            long t = System.nanoTime();
            stop(manager);
            System.out.printf(Locale.ROOT, "bots=%d stop=%.2fs%n", n, (System.nanoTime() - t) / 1e9);
        }
    }

    /** The same measurement for n plain virtual threads, each parked for an hour. */
    private static void bare(int n, int rows, int warmups) throws Exception {
        for (int i = 0; i < warmups; i++) {
            parkAndUnpark(startParked(10_000));
        }
        long baseHeap = usedAfterFullGc();
        Map<String, long[]> before = rows > 0 ? histogram() : Map.of();
        long t = System.nanoTime();
        List<Thread> threads = startParked(n);
        long startNanos = System.nanoTime() - t;
        long heap = usedAfterFullGc() - threadListBytes(n);
        System.out.printf(Locale.ROOT, "bare=%d gc=%s warmup=%d start=%.2fs heap_delta=%s bytes_per_thread=%d%n",
                n, gcName(), warmups, startNanos / 1e9, mib(heap - baseHeap), (heap - baseHeap) / n);
        if (rows > 0) {
            printTopGrowth(before, histogram(), n, rows);
        }
        parkAndUnpark(threads);
    }

    private static final AtomicInteger PARKED = new AtomicInteger();
    private static volatile boolean wake;

    private static List<Thread> startParked(int n) throws InterruptedException {
        wake = false;
        PARKED.set(0);
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                PARKED.incrementAndGet();
                while (!wake) {
                    LockSupport.parkNanos(TimeUnit.HOURS.toNanos(1));
                }
            }));
        }
        while (PARKED.get() < n) {
            Thread.sleep(5);
        }
        Thread.sleep(100); // the last ones to count themselves are parked by now
        return threads;
    }

    private static void parkAndUnpark(List<Thread> threads) throws InterruptedException {
        wake = true;
        threads.forEach(LockSupport::unpark);
        for (Thread t : threads) {
            t.join();
        }
    }

    /** The list that keeps the bare threads reachable (the run keeps its bots in its own map). */
    private static long threadListBytes(int n) {
        return 16L + 4L * n;
    }

    /** Starts n idle bots and waits until all of them are alive; the time it took, in nanoseconds. */
    private static long run(BotManager manager, int n) throws InterruptedException {
        RunSpec spec = new RunSpec("idle", IDLE, "", RunSpec.Mode.LOAD, n, 0, null, null, null, null);
        long t = System.nanoTime();
        manager.start(spec, null);
        long deadline = t + TimeUnit.MINUTES.toNanos(10);
        while (manager.describe().botCount() < n) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(n + " bots should be alive within 10 minutes; only "
                        + manager.describe().botCount() + " are");
            }
            Thread.sleep(5);
        }
        return System.nanoTime() - t;
    }

    private static void stop(BotManager manager) {
        manager.stop();
        manager.ended().orTimeout(10, TimeUnit.MINUTES).join();
    }

    private static long usedAfterFullGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long rssBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return 0;
    }

    private static String gcName() {
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName().replace(' ', '_'));
        }
        return String.join("+", names);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1fMiB", bytes / 1048576.0);
    }

    /** Class name to {instances, bytes}, from a GC.class_histogram of live objects (it runs a full GC). */
    private static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> classes = new HashMap<>();
        for (String line : text.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return classes;
    }

    private static void printTopGrowth(Map<String, long[]> before, Map<String, long[]> after, int n, int rows) {
        record Growth(String name, long instances, long bytes) {
        }
        List<Growth> growth = new ArrayList<>();
        long total = 0;
        for (var e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long bytes = e.getValue()[1] - b[1];
            growth.add(new Growth(e.getKey(), e.getValue()[0] - b[0], bytes));
            total += bytes;
        }
        growth.sort((x, y) -> Long.compare(y.bytes, x.bytes));
        System.out.printf(Locale.ROOT, "top classes by growth per bot (histogram total %.0f bytes per bot):%n", (double) total / n);
        System.out.printf(Locale.ROOT, "  %9s %9s  %s%n", "bytes/bot", "objs/bot", "class");
        for (Growth g : growth.subList(0, Math.min(rows, growth.size()))) {
            System.out.printf(Locale.ROOT, "  %9.1f %9.2f  %s%n", (double) g.bytes / n, (double) g.instances / n, g.name);
        }
    }

    private IdleBots() {
    }
}
