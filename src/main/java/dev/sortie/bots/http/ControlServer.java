package dev.sortie.bots.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sortie.bots.metrics.IntervalLog;
import dev.sortie.bots.report.Resources;
import dev.sortie.bots.report.RunDir;
import dev.sortie.bots.report.RunSettings;
import dev.sortie.bots.run.BotManager;
import dev.sortie.bots.run.LoadedTree;
import dev.sortie.bots.run.RunResult;
import dev.sortie.bots.run.RunSpec;
import dev.sortie.bots.run.RunStatus;
import dev.sortie.bots.run.TreeSource;
import dev.sortie.bots.tree.TreeException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The bot army's HTTP control API (bot_army's routes plus amoc's controller): JSON in and out,
 * every bad request answered with a 4xx and {@code {"error": "..."}} before anything changes.
 * Routes and shapes are listed in the README ("Bot control API").
 */
public final class ControlServer implements AutoCloseable {

    public static final int DEFAULT_PORT = 8124;
    static final int MOST_LOG_LINES = 10_000;
    static final int DEFAULT_LOG_LINES = 200;
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final BotManager manager;
    private final TreeSource trees;
    private final InetSocketAddress bind;
    private final Path logDir;
    private final IntegrationCallback callbacks;
    private final PrintStream warnings;
    private final Map<String, Map<String, Route>> routes = new LinkedHashMap<>();
    private HttpServer server;
    private volatile byte[] lastReport;
    /** Completes once the latest run's report is written (its status says finished a moment before). */
    private volatile CompletableFuture<Void> reportWritten = CompletableFuture.completedFuture(null);
    private ExecutorService executor;

    /** A handler for one method on one path. */
    @FunctionalInterface
    private interface Route {
        Reply handle(ControlRequest request) throws IOException;
    }

    /** What goes back: a status and a JSON value or plain text. */
    private record Reply(int status, String contentType, byte[] body) {
        static Reply json(int status, Object value) {
            try {
                return new Reply(status, "application/json; charset=utf-8", (JSON.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Reply html(byte[] page) {
            return new Reply(200, "text/html; charset=utf-8", page);
        }

        static Reply text(int status, String text) {
            return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The answer to {@code POST /bots/add}. */
    record Added(int added, RunStatus status) {
    }

    /** The answer to {@code POST /bots/remove}: how many bots were asked to stop (fewer than asked if fewer run). */
    record Removed(int removed, RunStatus status) {
    }

    /** @param logDir where each run's {@code bot_run.log} goes */
    public ControlServer(BotManager manager, TreeSource trees, InetSocketAddress bind, Path logDir) {
        this(manager, trees, bind, logDir, Set.of());
    }

    /** @param callbackHosts hosts besides loopback an integration run's callback_url may name */
    public ControlServer(BotManager manager, TreeSource trees, InetSocketAddress bind, Path logDir, Set<String> callbackHosts) {
        this(manager, trees, bind, logDir, new IntegrationCallback(Duration.ofSeconds(1), System.err, callbackHosts), System.err);
    }

    ControlServer(BotManager manager, TreeSource trees, InetSocketAddress bind, Path logDir, IntegrationCallback callbacks,
            PrintStream warnings) {
        this.manager = manager;
        this.trees = trees;
        this.bind = bind;
        this.logDir = logDir;
        this.callbacks = callbacks;
        this.warnings = warnings;
        route("POST", "/start", ex -> start(StartRequest.parse(ex.jsonBody(), RunSpec.Mode.LOAD)));
        route("POST", "/integration/start", ex -> start(StartRequest.parse(ex.jsonBody(), RunSpec.Mode.INTEGRATION)));
        route("DELETE", "/stop", ex -> stopRun());
        route("GET", "/status", ex -> Reply.json(200, manager.describe()));
        route("GET", "/metrics", ex -> Reply.json(200, manager.metrics()));
        route("GET", "/logs", this::logs);
        route("POST", "/bots/add", this::addBots);
        route("POST", "/bots/remove", this::removeBots);
        route("PATCH", "/settings", this::settings);
        route("GET", "/", ex -> Reply.html(Resources.bytes("dashboard.html")));
        route("GET", "/report", ex -> lastReport());
    }

    /** 127.0.0.1:8124: loopback unless the user asks for more. */
    public static InetSocketAddress defaultAddress() {
        return new InetSocketAddress("127.0.0.1", DEFAULT_PORT);
    }

    private void route(String method, String path, Route route) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, route);
    }

    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("the control server is already listening on " + server.getAddress());
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer s = HttpServer.create(bind, 64);
        s.setExecutor(executor);
        s.createContext("/", this::handle);
        s.start();
        server = s;
    }

    /** The port it listens on (the real one when bound to port 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the control server is not started");
        }
        return server.getAddress().getPort();
    }

    /** Stops listening; the bot manager (and any run) is left as it is. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.close();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            Reply reply;
            try {
                reply = dispatch(new ControlRequest(ex, bind.getAddress()));
            } catch (ControlError e) {
                reply = Reply.json(e.status(), Map.of("error", e.getMessage()));
            } catch (IOException | RuntimeException e) {
                warnings.println("sortie bots: " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " failed:");
                e.printStackTrace(warnings);
                reply = Reply.json(500, Map.of("error", "the control server failed: " + e + " (the stack trace is in its log)"));
            }
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            ex.getResponseBody().write(reply.body());
        } catch (IOException e) {
            // the client went away before reading the answer; nothing to tell it
        }
    }

    private Reply dispatch(ControlRequest request) throws IOException {
        request.checkHost();
        String path = request.path();
        Map<String, Route> methods = routes.get(path);
        if (methods == null) {
            throw new ControlError(404, "no route " + path + "; the routes are " + String.join(", ",
                    routes.entrySet().stream().flatMap(r -> r.getValue().keySet().stream().map(m -> m + " " + r.getKey())).toList()));
        }
        Route route = methods.get(request.method());
        if (route == null) {
            String allow = String.join(", ", methods.keySet());
            request.exchange().getResponseHeaders().set("Allow", allow);
            throw new ControlError(405, path + " takes " + allow + ", not " + request.method());
        }
        return route.handle(request);
    }

    private Reply start(StartRequest request) {
        String refused = request.callbackUrl() == null ? null : callbacks.refusal(request.callbackUrl());
        if (refused != null) {
            throw new ControlError(400, refused);
        }
        var now = manager.describe();
        if (now.status().equals("running") || now.status().equals("terminating")) {
            throw new ControlError(409, "a run of " + now.tree() + " is " + now.status() + "; "
                    + (now.status().equals("running") ? "stop it first (DELETE /stop)" : "wait until it has finished (GET /status)"));
        }
        LoadedTree tree;
        try {
            tree = trees.open(request.tree());
        } catch (TreeException e) {
            throw new ControlError(400, e.describe());
        } catch (IOException e) {
            throw new ControlError(400, "cannot read the tree " + request.tree() + ": " + e.getMessage());
        }
        RunSpec spec = request.spec(tree, logDir.resolve("bot_run.log"));
        Instant startedAt = Instant.now();
        IntervalLog intervals;
        try {
            intervals = reportDir().openIntervalLog(startedAt.toEpochMilli());
        } catch (IOException e) {
            throw new ControlError(500, "cannot write the run's interval log in " + reportDir().dir() + ": " + e);
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        Consumer<RunResult> onEnd = result -> {
            // off the run's thread: its status says finished already, and its result must not wait for a page to render
            Thread.ofVirtual().name("bots-report").start(() -> {
                try {
                    writeReport(spec, startedAt, result);
                } finally {
                    written.complete(null);
                }
            });
            if (request.callbackUrl() != null) {
                callbacks.send(request.callbackUrl(), request.id(), result);
            }
        };
        reportWritten = written;
        try {
            manager.start(spec, onEnd, List.of(intervals));
        } catch (IllegalStateException | UncheckedIOException e) {
            written.complete(null);
            try {
                intervals.close();
            } catch (IOException ignored) {
                // the start's own failure is the one to report
            }
            throw e instanceof IllegalStateException ? new ControlError(409, e.getMessage()) : new ControlError(500, e.getMessage());
        }
        return Reply.json(202, manager.describe());
    }

    /** Where each run's report goes: {@code report/} in the log dir, replaced by the next run. */
    private RunDir reportDir() {
        return RunDir.at(logDir.resolve("report"));
    }

    /** At the end of a run: its report, kept for GET /report; a report that cannot be written is a warning, the run still ends. */
    private void writeReport(RunSpec spec, Instant startedAt, RunResult result) {
        try {
            Path page = reportDir().finish(RunSettings.of(spec, startedAt), manager.metrics(), result);
            lastReport = Files.readAllBytes(page);
        } catch (IOException | RuntimeException e) {
            warnings.println("sortie bots: cannot write the report of the run of " + spec.treeName() + " in " + reportDir().dir() + ": " + e);
        }
    }

    private Reply lastReport() {
        String status = manager.describe().status();
        if (status.equals("finished") || status.equals("error")) {
            reportWritten.completeOnTimeout(null, 10, TimeUnit.SECONDS).join(); // the run has ended: its report is being written
        }
        byte[] page = lastReport;
        if (page == null) {
            throw new ControlError(404, "no run has finished yet, so there is no report (status: " + manager.describe().status()
                    + "); the report of a run is written when it ends");
        }
        return Reply.html(page);
    }

    private Reply stopRun() {
        whileRunning(() -> {
            manager.stop();
            return 0;
        });
        return Reply.json(202, manager.describe());
    }

    private Reply addBots(ControlRequest request) throws IOException {
        JsonBody in = JsonBody.parse(request.jsonBody(), Set.of("n"));
        in.require("n", "how many bots to add");
        Integer n = in.wholeNumber("n", 1, StartRequest.MOST_BOTS, "bots");
        in.check();
        int added = whileRunning(() -> manager.addBots(n));
        return Reply.json(200, new Added(added, manager.describe()));
    }

    private Reply removeBots(ControlRequest request) throws IOException {
        JsonBody in = JsonBody.parse(request.jsonBody(), Set.of("n", "at_once"));
        in.require("n", "how many bots to remove");
        Integer n = in.wholeNumber("n", 1, StartRequest.MOST_BOTS, "bots");
        Boolean atOnce = in.bool("at_once");
        in.check();
        int removed = whileRunning(() -> manager.removeBots(n, Boolean.TRUE.equals(atOnce)));
        return Reply.json(200, new Removed(removed, manager.describe()));
    }

    private Reply settings(ControlRequest request) throws IOException {
        JsonBody in = JsonBody.parse(request.jsonBody(), Set.of("rate", "duration"));
        if (!in.has("rate") && !in.has("duration")) {
            in.problem("nothing to change: give rate (bots started per second) and/or duration (how long the run lasts from its start; 0 for no limit)");
        }
        Double rate = StartRequest.rate(in);
        Duration duration = in.duration("duration");
        in.check();
        whileRunning(() -> {
            manager.updateSettings(rate, duration);
            return 0;
        });
        return Reply.json(200, manager.describe());
    }

    /** Calls the manager, turning "no run is running" into 409 and a refused value into 400. */
    private static int whileRunning(IntSupplier call) {
        try {
            return call.getAsInt();
        } catch (IllegalStateException e) {
            throw new ControlError(409, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ControlError(400, e.getMessage());
        }
    }

    private Reply logs(ControlRequest request) throws IOException {
        int lines = request.wholeNumberParam("lines", DEFAULT_LOG_LINES, 1, MOST_LOG_LINES);
        Path file = manager.logFile() != null ? manager.logFile() : logDir.resolve("bot_run.log");
        if (!Files.isRegularFile(file)) {
            throw new ControlError(404, "there is no bot_run.log yet (looked for " + file + "); start a run first (POST /start)");
        }
        return Reply.text(200, LogTail.lastLines(file, lines));
    }
}
