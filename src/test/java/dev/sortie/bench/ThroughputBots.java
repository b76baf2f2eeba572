package dev.sortie.bench;

import dev.sortie.bots.http.YamlTree;
import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.metrics.RunMetrics;
import dev.sortie.bots.run.BotManager;
import dev.sortie.bots.run.RunResult;
import dev.sortie.bots.run.RunSpec;
import dev.sortie.bots.tree.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How many requests a second the bots get through: N bots in load mode, each looping one GET that
 * expects 200, with metrics and bot_run.log on, as {@code sortie bots} runs them. Run by
 * {@code bench/bots-throughput.sh} against a private nginx, one JVM per bot count:
 * <pre>java -cp TEST_CLASSPATH dev.sortie.bench.ThroughputBots URL PATH BOTS WARMUP_S SECONDS LOG|-</pre>
 * Counts action runs (from the run's metrics) over SECONDS after WARMUP_S of warm-up. Not a test.
 */
public final class ThroughputBots {

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException("usage: ThroughputBots URL PATH BOTS WARMUP_S SECONDS LOG|-");
        }
        String url = args[0];
        String path = args[1];
        int bots = Integer.parseInt(args[2]);
        double warmup = Double.parseDouble(args[3]);
        double seconds = Double.parseDouble(args[4]);
        Path log = args[5].equals("-") ? null : Path.of(args[5]);

        Node tree = YamlTree.parse("bench.yml", """
                tree:
                  name: get
                  request: {path: "%s"}
                  expect: {status: 200}
                """.formatted(path));
        try (BotManager manager = new BotManager()) {
            manager.start(new RunSpec("bench", tree, url, RunSpec.Mode.LOAD, bots, 0, null, null, null, log), null);
            while (manager.describe().botCount() < bots) {
                Thread.sleep(1);
            }
            RunMetrics metrics = manager.liveMetrics();
            sleep(warmup);
            long r0 = metrics.runs();
            long t0 = System.nanoTime();
            sleep(seconds);
            long r1 = metrics.runs();
            long t1 = System.nanoTime();
            manager.stop();
            RunResult result = manager.ended().orTimeout(60, TimeUnit.SECONDS).join();
            MetricsSnapshot snapshot = manager.metrics(); // the whole run; the log is closed and holds a line per run

            ActionSnapshot get = snapshot.actions().get("get");
            double rate = (r1 - r0) / ((t1 - t0) / 1e9);
            System.out.printf(Locale.ROOT, "bots=%d requests_per_s=%.0f succeeded=%d failed=%d errors=%d p50=%.3fms p99=%.3fms max=%.1fms"
                            + " runs=%d log_lines=%s run=%s%n",
                    bots, rate, get.successCount(), get.failCount(), get.errorCount(), get.p50(), get.p99(), get.max(), snapshot.runs(),
                    log == null ? "off" : Long.toString(lines(log)), result.passed() ? "passed" : "failed: " + result.reason());
        }
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep(Math.round(seconds * 1000));
    }

    private static long lines(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        }
    }

    private ThroughputBots() {
    }
}
