package dev.sortie.cli;

import dev.sortie.bots.http.ControlServer;
import dev.sortie.bots.http.TreeLoader;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.metrics.RunMetrics;
import dev.sortie.bots.run.BotManager;
import dev.sortie.bots.run.RunResult;
import dev.sortie.bots.run.RunSpec;
import dev.sortie.bots.run.RunStatus;
import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.TreeException;
import dev.sortie.config.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sortie bots}: release behaviour-tree bots against a URL, as a load test, a test, or behind an HTTP API. */
@Command(name = "bots", mixinStandardHelpOptions = true,
        description = "Behaviour-tree bots: load tests (run), integration tests with an exit code (test), and an HTTP control API (serve).",
        subcommands = {BotsCommand.Run.class, BotsCommand.Test.class, BotsCommand.Serve.class, BotsReportCommand.class})
final class BotsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by run and test: which tree, against what. */
    static class TreeOptions {
        @Option(names = "--tree", required = true, paramLabel = "TREE",
                description = "A YAML file (bots/smoke.yml), a Java source file or directory (bots/), or a tree class name in --bots-dir.")
        String tree;

        @Option(names = "--target", required = true, paramLabel = "URL", description = "The base URL the bots work against, e.g. http://hello.localhost:8480.")
        String target;

        @Option(names = "--bots-dir", paramLabel = "DIR", defaultValue = "bots", description = "Where tree class names are looked up (default: ${DEFAULT-VALUE}).")
        Path botsDir;

        @Option(names = "--log", paramLabel = "FILE", defaultValue = "bot_run.log", description = "One line per action run (default: ${DEFAULT-VALUE}); see the README for lnav.")
        Path log;

        Node load() {
            Path cwd = Path.of("").toAbsolutePath();
            try {
                return new TreeLoader(cwd, cwd.resolve(botsDir), scratch()).load(tree);
            } catch (TreeException e) {
                throw new UserError(ExitCodes.CONFIG, e.describe());
            } catch (IOException e) {
                throw new UserError(ExitCodes.CONFIG, "cannot read the tree " + tree + ": " + e.getMessage());
            }
        }

        String target() {
            return checkTarget(target);
        }
    }

    static Path scratch() {
        return Path.of(System.getProperty("java.io.tmpdir"), "sortie-bots-" + System.getProperty("user.name", "user"));
    }

    static String checkTarget(String target) {
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            throw new UserError(ExitCodes.CONFIG, "--target " + target + " is not a URL: " + e.getReason());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new UserError(ExitCodes.CONFIG, "--target should be an http(s) URL like http://hello.localhost:8480, got " + target);
        }
        return target;
    }

    static Duration duration(String option, String text) {
        if (text == null) {
            return null;
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new UserError(ExitCodes.USAGE, option + " " + text + " is not a duration (like " + Durations.SYNTAX + ")");
        }
        if (d.isZero() || d.compareTo(Duration.ofDays(365)) > 0) {
            throw new UserError(ExitCodes.USAGE, option + " must be longer than 0 and at most 365 days, got " + text);
        }
        return d;
    }

    static int positive(String option, int n, int min) {
        if (n < min) {
            throw new UserError(ExitCodes.USAGE, option + " must be at least " + min + ", got " + n);
        }
        return n;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Load test: N bots each loop the tree until done or error; a bot that dies is replaced.",
                "Shows live progress and a summary table; Ctrl-C stops the bots and prints the summary."})
    static final class Run extends TreeOptions implements Callable<Integer> {
        @Option(names = "--n", defaultValue = "1", paramLabel = "N", description = "How many bots (default: ${DEFAULT-VALUE}).")
        int n;

        @Option(names = "--rate", defaultValue = "0", paramLabel = "R", description = "Bots started per second while ramping up; 0 starts them all at once (default).")
        double rate;

        @Option(names = "--duration", paramLabel = "D", description = "How long to run (30s, 5m); default: until Ctrl-C or every bot is done.")
        String duration;

        @Mixin
        ReportOption report;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            positive("--n", n, 1);
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new UserError(ExitCodes.USAGE, "--rate must be a number of bots per second >= 0, got " + rate);
            }
            Duration d = duration("--duration", duration);
            Node node = load();
            PrintWriter out = spec.commandLine().getOut();
            BotManager manager = new BotManager();
            out.println("-----> Releasing " + n + (n == 1 ? " bot" : " bots") + " (" + tree + ") against " + target()
                    + (rate > 0 ? " at " + rate + " bots/s" : "") + (d != null ? " for " + duration : "") + "; log: " + log);
            out.flush();
            RunSpec runSpec = new RunSpec(tree, node, target(), RunSpec.Mode.LOAD, n, rate, d, null, null, log.toAbsolutePath());
            manager.start(runSpec, null, report.open(log));
            CountDownLatch printed = new CountDownLatch(1);
            Thread stopper = new Thread(() -> {
                if (manager.status() == BotManager.Status.RUNNING) {
                    manager.stop();
                }
                try {
                    printed.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sortie-bots-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            RunResult result = watch(manager, out, System.console() != null);
            MetricsSnapshot m = manager.metrics();
            out.println("-----> " + result.reason() + ": " + String.format(Locale.ROOT, "%,d", m.runs()) + " actions by "
                    + manager.describe().highestBotId() + " bots, " + m.totalErrorCount() + " errors");
            BotReport.printTable(out, m);
            if (!result.failures().isEmpty()) {
                out.println("       first errors:");
                result.failures().stream().limit(5).forEach(f -> out.println("         " + f));
            }
            report.finish(out, runSpec, m, result);
            out.flush();
            printed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for the summary above
            }
            return manager.status() == BotManager.Status.ERROR ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    /** Prints progress about once a second until the run ends; returns its result. */
    static RunResult watch(BotManager manager, PrintWriter out, boolean tty) throws InterruptedException, ExecutionException {
        RunMetrics live = manager.liveMetrics();
        long lastRuns = 0;
        long lastAt = System.nanoTime();
        int tick = 0;
        while (true) {
            try {
                RunResult r = manager.ended().get(1, TimeUnit.SECONDS);
                if (tty) {
                    out.println();
                }
                return r;
            } catch (TimeoutException stillRunning) {
                tick++;
                long now = System.nanoTime();
                long runs = live.runs();
                RunStatus s = manager.describe();
                double rate = (runs - lastRuns) / ((now - lastAt) / 1e9);
                lastRuns = runs;
                lastAt = now;
                if (tty || tick % 5 == 0) {
                    String line = BotReport.progress(s.elapsedSeconds(), s.botCount(), s.wantedBots(), runs, rate, live.totalErrors(),
                            manager.metrics().worstP99());
                    out.print(tty ? "\r" + line + "   " : "       " + line + "\n");
                    out.flush();
                }
            }
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Integration test: each bot runs the tree once as sequence(select(tree, error), done).",
                "Passes (exit 0) only if every bot reaches done with no error; exit 1 otherwise. --junit writes a report for CI."})
    static final class Test extends TreeOptions implements Callable<Integer> {
        @Option(names = "--n", defaultValue = "1", paramLabel = "N", description = "How many bots (default: ${DEFAULT-VALUE}).")
        int n;

        @Option(names = "--bot-timeout", defaultValue = "60s", paramLabel = "D", description = "How long one bot may take (default: ${DEFAULT-VALUE}).")
        String botTimeout;

        @Option(names = "--timeout", defaultValue = "5m", paramLabel = "D", description = "How long the whole run may take (default: ${DEFAULT-VALUE}).")
        String timeout;

        @Option(names = "--junit", paramLabel = "FILE", description = "Write a JUnit XML report there (one test case per bot).")
        Path junit;

        @Mixin
        ReportOption report;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            positive("--n", n, 1);
            Duration perBot = duration("--bot-timeout", botTimeout);
            Duration whole = duration("--timeout", timeout);
            Node node = load();
            PrintWriter out = spec.commandLine().getOut();
            out.println("-----> Testing " + tree + " with " + n + (n == 1 ? " bot" : " bots") + " against " + target());
            out.flush();
            BotManager manager = new BotManager();
            long start = System.nanoTime();
            RunSpec runSpec = new RunSpec(tree, node, target(), RunSpec.Mode.INTEGRATION, n, 0, null, perBot, whole, log.toAbsolutePath());
            manager.start(runSpec, null, report.open(log));
            RunResult result = manager.ended().get();
            MetricsSnapshot m = manager.metrics();
            BotReport.printTable(out, m);
            if (result.passed()) {
                out.println("-----> PASSED: " + result.reason());
            } else {
                out.println("-----> FAILED: " + result.reason());
                result.failures().stream().limit(10).forEach(f -> out.println("       " + f));
                if (result.failures().size() > 10) {
                    out.println("       ... and " + (result.failures().size() - 10) + " more (see " + log + ")");
                }
            }
            if (junit != null) {
                BotReport.writeJUnit(junit, tree, result, m, (System.nanoTime() - start) / 1e9);
                out.println("       JUnit report: " + junit);
            }
            report.finish(out, runSpec, m, result);
            out.flush();
            return result.passed() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serve the bots' HTTP control API (POST /start, POST /integration/start, DELETE /stop, GET /metrics,",
                "GET /logs, GET /status, POST /bots/add, POST /bots/remove, PATCH /settings) until Ctrl-C."})
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8124", description = "Port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--bind", defaultValue = "127.0.0.1",
                description = "Address to listen on (default: ${DEFAULT-VALUE}, loopback only; the API has no authentication).")
        String bind;

        @Option(names = "--dir", defaultValue = ".", paramLabel = "DIR", description = "Trees are named relative to DIR and must be inside it (default: the current directory).")
        Path dir;

        @Option(names = "--log-dir", defaultValue = ".", paramLabel = "DIR", description = "Where bot_run.log goes (default: the current directory).")
        Path logDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (port < 0 || port > 65535) {
                throw new UserError(ExitCodes.USAGE, "--port must be 0-65535, got " + port);
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(bind);
            } catch (UnknownHostException e) {
                throw new UserError(ExitCodes.USAGE, "--bind " + bind + " is not an address on this machine");
            }
            Path base = dir.toAbsolutePath().normalize();
            BotManager manager = new BotManager();
            TreeLoader trees = new TreeLoader(base, base.resolve("bots"), scratch(), true);
            ControlServer server = new ControlServer(manager, trees, new InetSocketAddress(address, port), logDir.toAbsolutePath().normalize());
            try {
                server.start();
            } catch (IOException e) {
                throw new UserError(ExitCodes.UNAVAILABLE, "cannot listen on " + bind + ":" + port + ": " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("-----> Bot API listening on http://" + (address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress())
                    + ":" + server.port() + " (trees from " + base + "); Ctrl-C to stop");
            if (!address.isLoopbackAddress()) {
                out.println("       warning: " + bind + " is not loopback and the API has no authentication");
            }
            out.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.stop();
                manager.close();
                stopped.countDown();
            }, "sortie-bots-serve-stop"));
            stopped.await();
            return ExitCodes.OK;
        }
    }
}
