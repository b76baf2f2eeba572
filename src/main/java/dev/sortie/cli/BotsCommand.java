package dev.sortie.cli;

import dev.sortie.bots.http.ControlServer;
import dev.sortie.bots.http.TreeLoader;
import dev.sortie.bots.metrics.MetricsSink;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.run.ArrivalSchedule;
import dev.sortie.bots.run.BotManager;
import dev.sortie.bots.run.LoadStages;
import dev.sortie.bots.run.LoadedTree;
import dev.sortie.bots.run.RunResult;
import dev.sortie.bots.run.RunSpec;
import dev.sortie.bots.run.RunStatus;
import dev.sortie.bots.run.Threshold;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

        @Option(names = "--threshold", paramLabel = "'ACTION: METRIC OP VALUE'",
                description = {"A budget the run must keep, else it exits 1 (repeatable), e.g. 'GET /api/notes: p99 < 200ms',",
                    "'all: error_rate < 1%', 'all: rps > 500'; append ', abort_on_fail' to stop the run once it fails."})
        List<String> thresholds = new ArrayList<>();

        /** The --threshold options, checked. */
        List<Threshold> thresholds() {
            List<Threshold> out = new ArrayList<>();
            for (String t : thresholds) {
                try {
                    out.add(Threshold.parse(t));
                } catch (IllegalArgumentException e) {
                    throw new UserError(ExitCodes.USAGE, "--" + e.getMessage());
                }
            }
            return out;
        }

        /** The tree, and every threshold: the tree file's, then the command line's. */
        LoadedTree load() {
            List<Threshold> given = thresholds();
            LoadedTree loaded = open();
            List<Threshold> all = new ArrayList<>(loaded.thresholds());
            all.addAll(given);
            return new LoadedTree(loaded.tree(), all);
        }

        private LoadedTree open() {
            Path cwd = Path.of("").toAbsolutePath();
            try {
                return new TreeLoader(cwd, cwd.resolve(botsDir), scratch()).open(tree);
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

    /** {@code 50/s} (or {@code 50}): arrivals per second. */
    static double arrivalRate(String option, String text) {
        String number = text.strip().replaceFirst("\\s*/s$", "");
        double r;
        try {
            r = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new UserError(ExitCodes.USAGE, option + " " + text + " is not a rate; write arrivals per second like 50/s or 0.5/s");
        }
        if (!(r > 0) || r > 1_000_000 || !number.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new UserError(ExitCodes.USAGE, option + " must be more than 0/s and at most 1000000/s (like 50/s), got " + text);
        }
        return r;
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

        @Option(names = "--arrival-rate", paramLabel = "R/s",
                description = "The open model: a new bot per arrival, R per second (like 50/s), each running the tree once.")
        String arrivalRate;

        @Option(names = "--stages", paramLabel = "STAGES",
                description = {"A load that ramps linearly stage by stage: arrival rates ('30s:10/s,1m:100/s,30s:0/s': the open model)",
                    "or numbers of looping bots ('1m:100,2m:500': the closed model). The run lasts as long as its stages."})
        String stages;

        @Option(names = "--max-bots", paramLabel = "N",
                description = "Open model: at most N bots at a time; arrivals beyond are dropped and counted (default: " + RunSpec.DEFAULT_MAX_BOTS + ").")
        Integer maxBots;

        @Mixin
        ReportOption report;

        @Spec
        CommandSpec spec;

        /** The load's shape from --arrival-rate, --stages and --max-bots, checked together. */
        RunSpec.Load shape() {
            if (arrivalRate != null && stages != null) {
                throw new UserError(ExitCodes.USAGE, "give --arrival-rate (a constant rate) or --stages (a ramp), not both");
            }
            LoadStages parsed = null;
            if (stages != null) {
                try {
                    parsed = LoadStages.parse(stages);
                } catch (IllegalArgumentException e) {
                    throw new UserError(ExitCodes.USAGE, e.getMessage());
                }
            }
            boolean open = arrivalRate != null || parsed != null && parsed.arrivals();
            if (maxBots != null && !open) {
                throw new UserError(ExitCodes.USAGE, "--max-bots caps an open-model run (--arrival-rate, or --stages of rates like 1m:50/s);"
                        + " a closed run has --n bots");
            }
            if (parsed != null || open) {
                if (spec.commandLine().getParseResult().hasMatchedOption("--n") || spec.commandLine().getParseResult().hasMatchedOption("--rate")) {
                    throw new UserError(ExitCodes.USAGE, (open ? "an open-model run starts a bot per arrival" : "--stages sets the number of bots")
                            + "; --n and --rate are for a steady closed run");
                }
                if (parsed != null && duration != null) {
                    throw new UserError(ExitCodes.USAGE, "--stages sets how long the run lasts (" + Durations.format(parsed.total()) + "); drop --duration");
                }
            }
            int cap = maxBots == null ? RunSpec.DEFAULT_MAX_BOTS : positive("--max-bots", maxBots, 1);
            if (arrivalRate != null) {
                return new RunSpec.Load.Arrivals(ArrivalSchedule.constant(arrivalRate("--arrival-rate", arrivalRate)), cap);
            }
            if (parsed != null) {
                return parsed.arrivals() ? new RunSpec.Load.Arrivals(ArrivalSchedule.ramping(parsed), cap) : new RunSpec.Load.BotStages(parsed);
            }
            return new RunSpec.Load.Steady();
        }

        @Override
        public Integer call() throws Exception {
            positive("--n", n, 1);
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new UserError(ExitCodes.USAGE, "--rate must be a number of bots per second >= 0, got " + rate);
            }
            Duration d = duration("--duration", duration);
            RunSpec.Load shape = shape();
            LoadedTree loaded = load();
            PrintWriter out = spec.commandLine().getOut();
            BotManager manager = new BotManager();
            String how = switch (shape) {
                case RunSpec.Load.Arrivals a -> "a bot per arrival at " + a.schedule().describe() + " (at most " + a.maxBots() + " at a time)";
                case RunSpec.Load.BotStages b -> "bots in stages " + b.stages().describe();
                case RunSpec.Load.Steady st -> n + (n == 1 ? " bot" : " bots");
            };
            out.println("-----> Releasing " + how + " (" + tree + ") against " + target()
                    + (rate > 0 && shape instanceof RunSpec.Load.Steady ? " at " + rate + " bots/s" : "") + (d != null ? " for " + duration : "")
                    + "; log: " + log);
            out.flush();
            RunSpec runSpec = new RunSpec(tree, loaded.tree(), target(), RunSpec.Mode.LOAD, n, rate, d, null, null, log.toAbsolutePath(),
                    loaded.thresholds(), shape);
            List<MetricsSink> sinks = new ArrayList<>(report.open(log));
            sinks.add(new ConsoleProgress(out, System.console() != null, () -> wanted(manager.describe())));
            manager.start(runSpec, null, sinks);
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
            RunResult result = manager.ended().get(); // meanwhile the console's line is one of the run's sinks
            MetricsSnapshot m = manager.metrics();
            out.println("-----> " + result.reason() + ": " + String.format(Locale.ROOT, "%,d", m.runs()) + " actions by "
                    + manager.describe().highestBotId() + " bots, " + m.totalErrorCount() + " errors");
            BotReport.printTable(out, m);
            if (result.droppedArrivals() > 0) {
                out.println(String.format(Locale.ROOT, "       %,d arrivals dropped: --max-bots bots were running", result.droppedArrivals()));
            }
            BotReport.thresholdLines(result).forEach(l -> out.println("  " + l));
            List<String> errors = BotReport.failureLines(result, 5);
            if (!errors.isEmpty()) {
                out.println("       first errors:");
                errors.forEach(f -> out.println("         " + f));
            }
            report.finish(out, runSpec, m, result);
            out.flush();
            printed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for the summary above
            }
            return manager.status() == BotManager.Status.ERROR || !result.failedThresholds().isEmpty() ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    /** The bots a run wants now: its bot count, or in the open model its cap. */
    static int wanted(RunStatus s) {
        return s.wantedBots() != null ? s.wantedBots() : s.maxBots() != null ? s.maxBots() : 0;
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Integration test: each bot runs the tree once as sequence(tree, done); a bot that does not reach done fails.",
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
            LoadedTree loaded = load();
            PrintWriter out = spec.commandLine().getOut();
            out.println("-----> Testing " + tree + " with " + n + (n == 1 ? " bot" : " bots") + " against " + target());
            out.flush();
            BotManager manager = new BotManager();
            long start = System.nanoTime();
            RunSpec runSpec = new RunSpec(tree, loaded.tree(), target(), RunSpec.Mode.INTEGRATION, n, 0, null, perBot, whole, log.toAbsolutePath())
                    .withThresholds(loaded.thresholds());
            manager.start(runSpec, null, report.open(log));
            RunResult result = manager.ended().get();
            MetricsSnapshot m = manager.metrics();
            BotReport.printTable(out, m);
            BotReport.thresholdLines(result).forEach(l -> out.println("  " + l));
            if (result.passed()) {
                out.println("-----> PASSED: " + result.reason());
            } else {
                out.println("-----> FAILED: " + result.reason());
                BotReport.failureLines(result, 10).forEach(f -> out.println("       " + f));
                if (result.failures().size() > 10) {
                    out.println("       (every action is in " + log + ")");
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

        @Option(names = "--allow-callback-host", paramLabel = "HOST",
                description = "A host besides loopback that an integration run's callback_url may name (repeatable).")
        List<String> callbackHosts = new ArrayList<>();

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
            for (String host : callbackHosts) {
                if (host.isBlank() || host.contains("/") || host.contains(":") && !host.matches("\\[?[0-9A-Fa-f:.]+]?")) {
                    throw new UserError(ExitCodes.USAGE, "--allow-callback-host takes a host name or address like ci.example.com, got " + host);
                }
            }
            ControlServer server = new ControlServer(manager, trees, new InetSocketAddress(address, port), logDir.toAbsolutePath().normalize(),
                    Set.copyOf(callbackHosts));
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
