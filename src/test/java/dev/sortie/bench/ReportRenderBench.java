package dev.sortie.bench;

import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.metrics.Interval;
import dev.sortie.bots.metrics.IntervalLog;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.report.RunDir;
import dev.sortie.bots.run.RunResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * How big a run dir and its page get, and how long {@code sortie bots report} takes, for a run of
 * S seconds with A actions (each second: 1,000 latencies per action). Prints figures; asserts nothing.
 * Run by {@code bench/bots-report.sh}: {@code ReportRenderBench SECONDS ACTIONS}.
 */
public final class ReportRenderBench {

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        int actions = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("sortie-report-bench");
        RunDir run = RunDir.at(dir);
        long t0 = 1_790_000_000_000L;
        IntervalLog log = run.openIntervalLog(t0);
        SplittableRandom random = new SplittableRandom(1);
        Map<String, Histogram> totals = new LinkedHashMap<>();
        for (int s = 0; s < seconds; s++) {
            Map<String, Interval.Action> in = new LinkedHashMap<>();
            for (int a = 0; a < actions; a++) {
                Histogram h = new Histogram(3);
                for (int i = 0; i < 1000; i++) {
                    h.recordValue(200 + (long) (random.nextDouble() * random.nextDouble() * 50_000));
                }
                in.put("GET /api/action/" + a, new Interval.Action(h, 1000, 1000, 0, 0));
                totals.computeIfAbsent("GET /api/action/" + a, k -> new Histogram(3)).add(h);
            }
            log.interval(new Interval(t0 + s * 1000L, t0 + (s + 1) * 1000L, 100, 0, in));
        }
        log.close();
        Map<String, ActionSnapshot> snap = new LinkedHashMap<>();
        totals.forEach((k, h) -> snap.put(k, new ActionSnapshot(h.getMean() / 1000, h.getTotalCount(), 0, 0, h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0)));
        long runs = (long) seconds * actions * 1000;
        run.finish(Map.of("tree", "bench"), new MetricsSnapshot(0, 0, runs, snap), new RunResult(true, "bench", 100, 0, 0, List.of(), List.of(), 0));
        List<Double> times = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            long startCpu = threads.getCurrentThreadCpuTime();
            run.render();
            times.add((System.nanoTime() - start) / 1e6);
            cpu.add((threads.getCurrentThreadCpuTime() - startCpu) / 1e6);
        }
        times.sort(null);
        cpu.sort(null);
        System.out.printf(Locale.ROOT, "run of %ds x %d actions: hlog %,d B (%.0f B per action-second), counts %,d B, index.html %,d B;"
                        + " bots report: median %.0f ms of 5 (min %.0f, max %.0f), CPU median %.0f ms%n",
                seconds, actions, Files.size(run.hlog()), Files.size(run.hlog()) / (double) seconds / actions,
                Files.size(dir.resolve("intervals.jsonl")), Files.size(run.html()), times.get(2), times.get(0), times.get(4), cpu.get(2));
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
