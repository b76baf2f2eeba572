package dev.sortie.bench.http;

import dev.sortie.bots.http.YamlTree;
import dev.sortie.bots.metrics.RunMetrics;
import dev.sortie.bots.run.BotManager;
import dev.sortie.bots.run.RunSpec;
import dev.sortie.bots.tree.ActionFn;
import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.Outcome;
import dev.sortie.bots.tree.Trees;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP client under the bots' real run path: BOTS bots in load mode, each looping one GET that
 * must answer 200 (body read to the end), with metrics and bot_run.log on, as {@code sortie bots
 * run} runs them. Prints requests/s and requests per CPU-second (this JVM's CPU time) over SECONDS
 * after WARMUP seconds. Run by bench/http-clients.sh; not a test.
 * <pre>java -cp ... dev.sortie.bench.http.ClientBench CLIENT URL PATH BOTS WARMUP SECONDS</pre>
 * CLIENT: sortie (HttpAction as it is), urlconnection, jdk, apache, jetty, netty, raw.
 */
public final class ClientBench {

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException("usage: ClientBench CLIENT URL PATH BOTS WARMUP_S SECONDS");
        }
        String client = args[0];
        String url = args[1];
        String path = args[2];
        int bots = Integer.parseInt(args[3]);
        double warmup = Double.parseDouble(args[4]);
        double seconds = Double.parseDouble(args[5]);
        Node tree = switch (client) {
            case "sortie" -> YamlTree.parse("bench.yml", """
                    tree:
                      name: get
                      request: {path: "%s"}
                      expect: {status: 200}
                    """.formatted(path));
            default -> Trees.action("get", get(Clients.of(client, url, bots), path));
        };
        Path log = Files.createTempFile("client-bench", ".log");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (BotManager manager = new BotManager()) {
            manager.start(new RunSpec("bench", tree, url, RunSpec.Mode.LOAD, bots, 0, null, null, null, log), null);
            while (manager.describe().botCount() < bots) {
                Thread.sleep(1);
            }
            RunMetrics metrics = manager.liveMetrics();
            Thread.sleep(Math.round(warmup * 1000));
            long r0 = metrics.runs();
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(Math.round(seconds * 1000));
            long r1 = metrics.runs();
            long c1 = os.getProcessCpuTime();
            long t1 = System.nanoTime();
            manager.stop();
            manager.ended().orTimeout(60, TimeUnit.SECONDS).join();
            var get = manager.metrics().actions().get("get");
            System.out.printf(Locale.ROOT, "client=%s bots=%d requests_per_s=%.0f requests_per_cpu_s=%.0f p99=%.3fms failed=%d errors=%d%n",
                    client, bots, (r1 - r0) / ((t1 - t0) / 1e9), (r1 - r0) / ((c1 - c0) / 1e9), get.p99(), get.failCount(), get.errorCount());
        } finally {
            Files.deleteIfExists(log);
        }
        System.exit(0); // some clients keep non-daemon threads
    }

    private static ActionFn get(Clients.Client client, String path) {
        return ctx -> {
            try {
                int status = client.get(path);
                return status == 200 ? Outcome.succeed() : Outcome.fail("expected status 200, got " + status);
            } catch (java.io.IOException e) {
                return Outcome.fail("request failed: " + e);
            }
        };
    }

    private ClientBench() {
    }
}
