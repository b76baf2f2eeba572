package dev.sortie.bots.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.sortie.bots.run.BotManager;
import dev.sortie.bots.run.LoadedTree;
import dev.sortie.bots.run.TreeSource;
import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.TreeException;
import dev.sortie.testing.Await;
import dev.sortie.testing.NotesServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control API over real HTTP: a real bot manager running YAML trees against a real loopback server. */
class ControlServerComponentTest {

    private static final String LOOP = """
            tree:
              sequence:
                - request: {method: POST, path: /api/notes, json: {text: "from ${bot_id}"}}
                  expect: {status: 201}
                  save: {id: $.id}
                - request: {path: "/api/notes/${id}"}
                  expect: {json: {$.text: "from ${bot_id}"}}
                - wait: 0.02
            """;
    private static final String FAILING = """
            tree:
              sequence:
                - request: {path: /health}
                - request: {path: /status/503}
                  expect: {status: 200}
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private NotesServer target;
    private final BotManager manager = new BotManager();
    private ControlServer control;
    private HttpServer receiver;
    private final List<String> callbacks = new CopyOnWriteArrayList<>();
    private final AtomicInteger refuseCallbacks = new AtomicInteger();
    private volatile CountDownLatch holdCallbacks = new CountDownLatch(0);
    private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        Path trees = Files.createDirectories(dir.resolve("bots"));
        Files.writeString(trees.resolve("load.yml"), LOOP);
        Files.writeString(trees.resolve("smoke.yml"), LOOP.replace("- wait: 0.02", "- request: {path: /health}"));
        Files.writeString(trees.resolve("failing.yml"), FAILING);
        Files.writeString(trees.resolve("idle.yml"), "tree: {wait: 60}");
        Files.writeString(trees.resolve("broken.yml"), "tree: {request: {methd: GET, path: /health}}");
        target = new NotesServer();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/done", ex -> {
            try (ex) {
                callbacks.add(ex.getRequestHeaders().getFirst("Content-Type") + " " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                holdCallbacks.await(15, TimeUnit.SECONDS);
                ex.sendResponseHeaders(refuseCallbacks.getAndDecrement() > 0 ? 503 : 204, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        receiver.start();
        PrintStream warn = new PrintStream(warnings, true, StandardCharsets.UTF_8);
        TreeSource source = new TreeSource() {
            @Override
            public Node load(String name) throws TreeException, IOException {
                return open(name).tree();
            }

            @Override
            public LoadedTree open(String name) throws TreeException, IOException {
                return tree(name);
            }
        };
        control = new ControlServer(manager, source, new InetSocketAddress("127.0.0.1", 0), dir.resolve("logs"),
                new IntegrationCallback(Duration.ofMillis(50), warn), warn);
        control.start();
    }

    @AfterEach
    void stop() {
        holdCallbacks.countDown();
        control.close();
        manager.close();
        target.close();
        receiver.stop(0);
    }

    private LoadedTree tree(String name) throws TreeException, IOException {
        Path file = dir.resolve("bots").resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new TreeException("no tree named " + name + " in bots/", List.of());
        }
        return YamlTree.loadFile(file);
    }

    private record Answer(int status, HttpHeaders headers, String body) {
        JsonNode json() throws IOException {
            assertTrue(headers.firstValue("Content-Type").orElse("").startsWith("application/json"), headers.toString());
            return JSON.readTree(body);
        }
    }

    private Answer call(String method, String path, String body) throws Exception {
        return call(method, path, body, "application/json");
    }

    private Answer call(String method, String path, String body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control.port() + path))
                .timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers(), r.body());
    }

    private JsonNode ok(String method, String path, String body, int status) throws Exception {
        Answer a = call(method, path, body);
        assertEquals(status, a.status(), a.body());
        return a.json();
    }

    private JsonNode status() throws Exception {
        return ok("GET", "/status", null, 200);
    }

    private String startBody(String tree, int n) {
        return "{\"tree\": \"" + tree + "\", \"target\": \"" + target.url() + "\", \"n\": " + n + "}";
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    @Test
    void aLoadRunIsStartedWatchedResizedRetunedAndStopped() throws Exception {
        JsonNode started = ok("POST", "/start", "{\"tree\": \"load.yml\", \"target\": \"" + target.url() + "/\", \"n\": 3, \"rate\": 0, \"duration\": \"10m\"}", 202);
        assertEquals("running", started.get("status").asText());
        assertEquals("load", started.get("mode").asText());
        assertEquals("load.yml", started.get("tree").asText());
        assertEquals(target.url(), started.get("target").asText());
        assertEquals(3, started.get("wanted_bots").asInt());
        assertEquals(600.0, started.get("duration_seconds").asDouble());
        awaitBots(3, "/status");

        JsonNode added = ok("POST", "/bots/add", "{\"n\": 2}", 200);
        assertEquals(2, added.get("added").asInt());
        assertEquals(5, added.get("status").get("wanted_bots").asInt());
        awaitBots(5, "/metrics");

        JsonNode removed = ok("POST", "/bots/remove", "{\"n\": 3, \"at_once\": false}", 200);
        assertEquals(3, removed.get("removed").asInt());
        assertEquals(2, removed.get("status").get("wanted_bots").asInt());
        awaitBots(2, "/status");

        JsonNode retuned = ok("PATCH", "/settings", "{\"rate\": 20, \"duration\": \"2m\"}", 200);
        assertEquals(20.0, retuned.get("rate").asDouble());
        assertEquals(120.0, retuned.get("duration_seconds").asDouble());
        assertEquals("running", retuned.get("status").asText());

        Await.until("5 complete lines in bot_run.log", () -> lines(logs("?lines=5")).size() == 5);
        for (String line : lines(logs("?lines=5"))) {
            assertTrue(line.matches("\\S+Z info bot_id=\\d+ action=\"(POST /api/notes|GET /api/notes/\\$\\{id})\" outcome=succeed duration=\\d+\\.\\d{3}ms"),
                    line);
        }

        JsonNode stopping = ok("DELETE", "/stop", null, 202);
        assertTrue(Set.of("terminating", "finished").contains(stopping.get("status").asText()), stopping.toString());
        Await.until("the run finished", () -> statusIs("finished"));
        JsonNode result = status().get("result");
        assertTrue(result.get("passed").asBoolean(), result.toString());
        assertEquals("stopped", result.get("reason").asText());

        JsonNode metrics = ok("GET", "/metrics", null, 200);
        assertEquals(Set.of("bot_count", "total_error_count", "runs", "actions"), keys(metrics));
        assertEquals(0, metrics.get("bot_count").asLong());
        assertEquals(0, metrics.get("total_error_count").asLong());
        JsonNode post = metrics.get("actions").get("POST /api/notes");
        JsonNode get = metrics.get("actions").get("GET /api/notes/${id}");
        assertEquals(Set.of("duration", "success_count", "error_count", "fail_count", "runs", "p50", "p90", "p99", "max"), keys(post));
        assertEquals(post.get("runs").asLong(), post.get("success_count").asLong());
        assertEquals(0, post.get("error_count").asLong() + post.get("fail_count").asLong());
        assertEquals(target.requests(), post.get("runs").asLong() + get.get("runs").asLong(),
                "every request the target answered was counted once (bots were only stopped gracefully)");
        assertTrue(post.get("p50").asDouble() > 0 && post.get("p50").asDouble() <= post.get("p99").asDouble()
                && post.get("p99").asDouble() <= post.get("max").asDouble(), post.toString());
        long runs = 0;
        for (Iterator<JsonNode> it = metrics.get("actions").elements(); it.hasNext();) {
            runs += it.next().get("runs").asLong();
        }
        assertEquals(metrics.get("runs").asLong(), runs);

        List<String> tail = lines(logs(""));
        assertEquals(Math.min(runs, ControlServer.DEFAULT_LOG_LINES), tail.size());
        List<String> file = Files.readAllLines(dir.resolve("logs/bot_run.log"));
        assertEquals(runs, file.size(), "one line per action run, all written once the run ended");
        assertEquals(file.subList(file.size() - tail.size(), file.size()), tail);
        assertEquals(Math.min(runs, ControlServer.MOST_LOG_LINES), lines(logs("?lines=10000")).size());
    }

    /** Waits until the route counts n bots alive; if it never does, says what the status was. */
    private void awaitBots(int n, String route) throws Exception {
        try {
            Await.until(n + " bots alive, as " + route + " counts them", () -> botCount(route) == n);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the status is " + status(), e);
        }
    }

    private long botCount(String route) {
        try {
            return ok("GET", route, null, 200).get("bot_count").asLong();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private boolean statusIs(String wanted) {
        try {
            return status().get("status").asText().equals(wanted);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String logs(String query) {
        try {
            Answer a = call("GET", "/logs" + query, null);
            assertEquals(200, a.status(), a.body());
            assertEquals("text/plain; charset=utf-8", a.headers().firstValue("Content-Type").orElse(""));
            return a.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String callbackUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/done";
    }

    private Map<String, Object> onlyCallback() throws Exception {
        Await.until("the callback", () -> !callbacks.isEmpty());
        String seen = callbacks.get(0);
        assertTrue(seen.startsWith("application/json {"), seen);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = JSON.readValue(seen.substring(seen.indexOf(' ') + 1), Map.class);
        return body;
    }

    @Test
    void anIntegrationRunThatPassesPostsOkToTheCallback() throws Exception {
        JsonNode started = ok("POST", "/integration/start", "{\"id\": \"deploy-42\", \"tree\": \"smoke.yml\", \"target\": \"" + target.url()
                + "\", \"n\": 2, \"bot_timeout\": \"10s\", \"run_timeout\": 30, \"callback_url\": \"" + callbackUrl() + "\"}", 202);
        assertEquals("integration", started.get("mode").asText());
        assertEquals(30.0, started.get("duration_seconds").asDouble());
        assertEquals(Map.of("id", "deploy-42", "result", "ok", "reason", "all 2 bots reached done"), onlyCallback());
        Await.until("finished", () -> statusIs("finished"));
        assertTrue(status().get("result").get("passed").asBoolean());
        assertEquals(6, target.requests(), "each of the 2 bots ran the tree once");
        assertEquals(1, callbacks.size());
    }

    @Test
    void anIntegrationRunThatFailsPostsTheReasonToTheCallback() throws Exception {
        ok("POST", "/integration/start", "{\"id\": \"deploy-43\", \"tree\": \"failing.yml\", \"target\": \"" + target.url()
                + "\", \"callback_url\": \"" + callbackUrl() + "\"}", 202);
        Map<String, Object> body = onlyCallback();
        assertEquals("deploy-43", body.get("id"));
        assertEquals("error", body.get("result"));
        String reason = (String) body.get("reason");
        assertEquals("1 of 1 bot did not reach done: bot 1: GET /status/503: expected status 200, got 503 (body: status page)", reason);
        Await.until("finished", () -> statusIs("finished"));
        assertEquals(reason, status().get("result").get("reason").asText());
        assertEquals(Set.of("id", "result", "reason"), body.keySet());
    }

    @Test
    void aCallbackToAnotherHostIsRefusedUnlessAllowed() throws Exception {
        refused("POST", "/integration/start", "{\"id\": \"d\", \"tree\": \"smoke.yml\", \"target\": \"" + target.url()
                + "\", \"callback_url\": \"http://ci.example.com/done\"}", 400,
                "callback_url: http://ci.example.com/done is not on this machine (loopback), and only loopback is called back unless"
                        + " sortie bots serve --allow-callback-host ci.example.com allows that host");
        assertEquals("idle", status().get("status").asText(), "nothing started");
        IntegrationCallback allowing = new IntegrationCallback(Duration.ofMillis(50), System.err, Set.of("CI.example.com"));
        assertEquals(null, allowing.refusal(URI.create("http://ci.example.com/done")));
        assertTrue(allowing.refusal(URI.create("http://other.example.com/done")).contains("--allow-callback-host other.example.com"));
        for (String loopback : List.of("http://localhost:1/x", "http://127.0.0.1/x", "http://127.1.2.3:9/x", "http://[::1]:9/x", "http://ci.localhost/x")) {
            assertEquals(null, allowing.refusal(URI.create(loopback)), loopback);
        }
        assertTrue(allowing.refusal(URI.create("http://127.0.0.1.nip.io/x")) != null, "a name that merely starts like loopback is not");
    }

    @Test
    void anOpenModelRunReportsItsDroppedArrivalsInStatusAndMetrics() throws Exception {
        Files.writeString(dir.resolve("bots/slow.yml"), "tree: {name: slow, request: {path: \"/slow?ms=300\"}}\n"
                + "thresholds: [\"all: error_rate < 1%\"]\n");
        JsonNode started = ok("POST", "/start", "{\"tree\": \"slow.yml\", \"target\": \"" + target.url()
                + "\", \"arrival_rate\": 50, \"max_bots\": 1, \"duration\": \"1s\", \"thresholds\": [\"slow: count >= 1\"]}", 202);
        assertEquals("50/s", started.get("arrivals").asText());
        assertEquals(1, started.get("max_bots").asInt());
        Await.until("finished", () -> statusIs("finished"));
        JsonNode metrics = ok("GET", "/metrics", null, 200);
        JsonNode result = status().get("result");
        long dropped = metrics.get("dropped_arrivals").asLong();
        assertTrue(dropped > 0, metrics.toString());
        assertEquals(dropped, result.get("dropped_arrivals").asLong());
        assertEquals(dropped, status().get("dropped_arrivals").asLong());
        assertEquals(2, result.get("thresholds").size(), "the tree file's and the request's: " + result);
        assertEquals("all: error_rate < 1%", result.get("thresholds").get(0).get("threshold").asText());
        assertTrue(result.get("thresholds").get(1).get("passed").asBoolean(), result.toString());
        refused("POST", "/start", "{\"tree\": \"slow.yml\", \"target\": \"" + target.url() + "\", \"arrival_rate\": 5, \"n\": 3}", 400,
                "an open-model run starts a bot per arrival; n and rate are for a steady run");
        refused("POST", "/start", "{\"tree\": \"slow.yml\", \"target\": \"" + target.url() + "\", \"thresholds\": [\"all: p99 < 1\"]}", 400,
                "thresholds[0]: threshold 'all: p99 < 1': '1' is not a latency: p99 takes a number with ms or s, like 200ms or 1.5s");
    }

    @Test
    void aSlowOrFailingReceiverNeverHoldsUpTheRunAndIsRetried() throws Exception {
        holdCallbacks = new CountDownLatch(1);
        refuseCallbacks.set(1);
        ok("POST", "/integration/start", "{\"id\": \"slow\", \"tree\": \"smoke.yml\", \"target\": \"" + target.url()
                + "\", \"callback_url\": \"" + callbackUrl() + "\"}", 202);
        Await.until("the first delivery, held by the receiver", () -> callbacks.size() == 1);
        Await.until("the run finished while the receiver holds the callback", () -> statusIs("finished"));
        ok("POST", "/start", startBody("idle.yml", 1), 202);
        holdCallbacks.countDown();
        Await.until("a second delivery after the receiver answered 503", () -> callbacks.size() == 2);
        assertEquals(callbacks.get(0), callbacks.get(1));
        ok("DELETE", "/stop", null, 202);
        Await.until("finished", () -> statusIs("finished"));

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        ok("POST", "/integration/start", "{\"id\": \"nobody\", \"tree\": \"smoke.yml\", \"target\": \"" + target.url()
                + "\", \"callback_url\": \"http://127.0.0.1:" + closed + "/done\"}", 202);
        Await.until("the warning about the unreachable receiver", () -> warnings.toString(StandardCharsets.UTF_8).contains("gave up"));
        String warning = warnings.toString(StandardCharsets.UTF_8);
        assertTrue(warning.startsWith("sortie bots: POST http://127.0.0.1:" + closed + "/done with the result of integration run nobody"
                + " should answer 2xx; it could not be reached (") && warning.contains("(gave up after 3 attempts;"), warning);
        assertEquals("finished", status().get("status").asText());
    }

    /** Asserts the request is refused with this status and message, and that the status did not change. */
    private void refused(String method, String path, String body, int status, String message) throws Exception {
        JsonNode before = stable(status());
        Answer a = call(method, path, body);
        assertEquals(status, a.status(), method + " " + path + " " + body + " -> " + a.body());
        JsonNode error = a.json();
        assertEquals(Set.of("error"), keys(error));
        assertEquals(message, error.get("error").asText(), method + " " + path + " " + body);
        assertEquals(before, stable(status()), "a refused request changes nothing");
    }

    /** The status without the figures that move on their own. */
    private static JsonNode stable(JsonNode status) {
        ObjectNode copy = status.deepCopy();
        copy.remove(List.of("bot_count", "highest_bot_id", "elapsed_seconds"));
        return copy;
    }

    @Test
    void badStartsAreRefusedWithAMessageAndChangeNothing() throws Exception {
        String t = "\"target\": \"" + target.url() + "\"";
        refused("POST", "/start", "{\"tree\": \"load.yml\",", 400,
                "malformed JSON at line 1, column 21: Unexpected end-of-input within/between Object entries");
        refused("POST", "/start", "{\"tree\": [\"load.yml\"", 400, "malformed JSON at line 1, column 21: Unexpected end-of-input: "
                + "expected close marker for Array");
        refused("POST", "/start", "{\"tree\": \"load.yml\", \"tree\": \"idle.yml\", " + t + "}", 400,
                "malformed JSON at line 1, column 28: Duplicate field 'tree'");
        refused("POST", "/start", "{\"tree\": \"load.yml\", " + t + "} {}", 400,
                "malformed JSON at line 1, column 58: there is more after the JSON object");
        refused("POST", "/start", "", 400, "expected a JSON object body, got an empty body");
        refused("POST", "/start", "[1, 2]", 400, "expected a JSON object body, got a list");
        refused("POST", "/start", "\"load.yml\"", 400, "expected a JSON object body, got \"load.yml\"");
        refused("POST", "/start", "{\"tree\": \"load.yml\", " + t + ", \"n\": \"ten\"}", 400,
                "n: expected a whole number of bots from 0 to 1000000, got \"ten\"");
        refused("POST", "/start", "{\"tree\": \"load.yml\", " + t + ", \"n\": -1}", 400,
                "n: expected a whole number of bots from 0 to 1000000, got -1");
        refused("POST", "/start", "{\"tree\": \"load.yml\", " + t + ", \"n\": 2.5}", 400,
                "n: expected a whole number of bots from 0 to 1000000, got 2.5");
        refused("POST", "/start", "{\"trea\": \"load.yml\", " + t + "}", 400, "unknown key trea (did you mean tree?); tree: required");
        refused("POST", "/start", "{\"tree\": \"load.yml\", " + t + ", \"bots\": 3}", 400,
                "unknown key bots (expected one of: arrival_rate, bot_timeout, callback_url, duration, id, max_bots, n, rate, run_timeout, stages,"
                        + " target, thresholds, tree)");
        refused("POST", "/start", "{\"tree\": \"load.yml\", " + t + ", \"rate\": \"fast\", \"duration\": \"soon\"}", 400,
                "rate: expected bots started per second: 0 (all at once) or from 0.001 to 1000000, got \"fast\"; "
                        + "duration: expected seconds (30, 0.5) or a duration like \"500ms\", \"30s\", \"2m\", up to 365 days, got \"soon\"");
        refused("POST", "/start", "{\"tree\": \"load.yml\", " + t + ", \"duration\": -5}", 400,
                "duration: expected seconds (30, 0.5) or a duration like \"500ms\", \"30s\", \"2m\", up to 365 days, got -5");
        refused("POST", "/start", "{\"tree\": \"load.yml\", \"target\": \"ftp://example.com\"}", 400,
                "target: expected an http:// or https:// URL like http://127.0.0.1:8080, got \"ftp://example.com\"");
        refused("POST", "/start", "{\"tree\": \"load.yml\"}", 400, "target: required");
        refused("POST", "/start", "{\"tree\": \"load.yml\", " + t + ", \"id\": \"x\"}", 400, "id: only for integration runs (POST /integration/start)");
        refused("POST", "/start", "{\"tree\": \"nope.yml\", " + t + "}", 400, "no tree named nope.yml in bots/");
        refused("POST", "/start", "{\"tree\": \"broken.yml\", " + t + "}", 400,
                "broken.yml has 1 mistake\n  broken.yml: tree.request.methd: unknown key (did you mean method?)");

        refused("POST", "/integration/start", "{\"tree\": \"smoke.yml\", " + t + "}", 400, "id: required");
        refused("POST", "/integration/start", "{\"id\": 7, \"tree\": \"smoke.yml\", " + t + ", \"n\": 0}", 400,
                "n: expected a whole number of bots from 1 to 1000000, got 0; id: expected a non-empty string, got 7");
        refused("POST", "/integration/start", "{\"id\": \"x\", \"tree\": \"smoke.yml\", " + t + ", \"callback_url\": \"not a url\"}", 400,
                "callback_url: expected an http:// or https:// URL like http://127.0.0.1:9000/bots/done, got \"not a url\"");
        refused("POST", "/integration/start", "{\"id\": \"x\", \"tree\": \"smoke.yml\", " + t + ", \"duration\": 5}", 400,
                "duration: integration runs have no duration (each bot runs the tree once); bound the run with run_timeout");
        refused("POST", "/integration/start", "{\"id\": \"x\", \"tree\": \"smoke.yml\", " + t + ", \"bot_timeout\": true}", 400,
                "bot_timeout: expected seconds (30, 0.5) or a duration like \"500ms\", \"30s\", \"2m\", up to 365 days, got true");

        refused("POST", "/bots/add", "{\"n\": 5}", 409, "cannot add bots: no run is running (status idle)");
        refused("POST", "/bots/remove", "{\"n\": 5}", 409, "cannot remove bots: no run is running (status idle)");
        refused("PATCH", "/settings", "{\"rate\": 5}", 409, "cannot change settings: no run is running (status idle)");
        refused("DELETE", "/stop", null, 409, "cannot stop: no run is running (status idle)");
        assertEquals(JSON.readTree("{\"status\": \"idle\"}"), status());
        assertEquals(0, target.requests());
    }

    @Test
    void badRequestsWhileRunningAreRefusedAndLeaveTheRunAsItWas() throws Exception {
        ok("POST", "/start", "{\"tree\": \"idle.yml\", \"target\": \"" + target.url() + "\", \"n\": 2, \"rate\": 50, \"duration\": 600}", 202);
        awaitBots(2, "/status");

        refused("POST", "/start", startBody("load.yml", 1), 409, "a run of idle.yml is running; stop it first (DELETE /stop)");
        refused("POST", "/integration/start", "{\"id\": \"x\", \"tree\": \"smoke.yml\", \"target\": \"" + target.url() + "\"}", 409,
                "a run of idle.yml is running; stop it first (DELETE /stop)");
        refused("POST", "/bots/add", "{}", 400, "n: required (how many bots to add)");
        refused("POST", "/bots/add", "{\"n\": 0}", 400, "n: expected a whole number of bots from 1 to 1000000, got 0");
        refused("POST", "/bots/add", "{\"n\": \"five\"}", 400, "n: expected a whole number of bots from 1 to 1000000, got \"five\"");
        refused("POST", "/bots/remove", "{\"n\": 1, \"at_once\": \"yes\"}", 400, "at_once: expected true or false, got \"yes\"");
        refused("POST", "/bots/remove", "{\"n\": 1, \"atonce\": true}", 400, "unknown key atonce (did you mean at_once?)");
        refused("PATCH", "/settings", "{}", 400,
                "nothing to change: give rate (bots started per second) and/or duration (how long the run lasts from its start; 0 for no limit)");
        refused("PATCH", "/settings", "{\"rat\": 5}", 400, "unknown key rat (did you mean rate?); nothing to change: give rate "
                + "(bots started per second) and/or duration (how long the run lasts from its start; 0 for no limit)");
        refused("PATCH", "/settings", "{\"rate\": -1}", 400, "rate: expected bots started per second: 0 (all at once) or from 0.001 to 1000000, got -1");
        refused("PATCH", "/settings", "{\"rate\": 0.0001}", 400, "rate: expected bots started per second: 0 (all at once) or from 0.001 to 1000000, got 0.0001");
        refused("PATCH", "/settings", "{\"rate\": 5, \"duration\": \"forever\"}", 400,
                "duration: expected seconds (30, 0.5) or a duration like \"500ms\", \"30s\", \"2m\", up to 365 days, got \"forever\"");
        refused("PATCH", "/settings", "{\"duration\": \"9999h\"}", 400,
                "duration: expected seconds (30, 0.5) or a duration like \"500ms\", \"30s\", \"2m\", up to 365 days, got \"9999h\"");
        JsonNode now = status();
        assertEquals(2, now.get("wanted_bots").asInt());
        assertEquals(50.0, now.get("rate").asDouble());
        assertEquals(600.0, now.get("duration_seconds").asDouble());

        ok("DELETE", "/stop", null, 202);
        Await.until("finished", () -> statusIs("finished"));
        refused("DELETE", "/stop", null, 409, "cannot stop: no run is running (status finished)");
    }

    @Test
    void routesMethodsBodiesAndHostsAreChecked() throws Exception {
        refused("GET", "/nope", null, 404, "no route /nope; the routes are POST /start, POST /integration/start, DELETE /stop, "
                + "GET /status, GET /metrics, GET /logs, POST /bots/add, POST /bots/remove, PATCH /settings, GET /, GET /report");
        refused("GET", "/start", null, 405, "/start takes POST, not GET");
        assertEquals("POST", call("GET", "/start", null).headers().firstValue("Allow").orElse(""));
        refused("PUT", "/settings", "{}", 405, "/settings takes PATCH, not PUT");
        assertEquals("GET", call("POST", "/status", "{}").headers().firstValue("Allow").orElse(""));

        String huge = "{\"tree\": \"load.yml\", \"pad\": \"" + "x".repeat(ControlRequest.MOST_BODY_BYTES) + "\"}";
        refused("POST", "/start", huge, 413, "a request body may be at most 1048576 bytes (1 MiB); this one is " + huge.length() + " bytes");

        Answer form = call("POST", "/start", "tree=load.yml", "application/x-www-form-urlencoded");
        assertEquals(415, form.status());
        assertEquals("send the body as JSON with Content-Type: application/json (curl --json '{...}'), not application/x-www-form-urlencoded",
                form.json().get("error").asText());
        assertEquals(202, call("POST", "/start", startBody("idle.yml", 0), "application/json; charset=utf-8").status());
        ok("DELETE", "/stop", null, 202);
        Await.until("finished", () -> statusIs("finished"));

        refused("GET", "/logs?lines=0", null, 400, "lines: expected a whole number from 1 to 10000, got \"0\"");
        refused("GET", "/logs?lines=10001", null, 400, "lines: expected a whole number from 1 to 10000, got \"10001\"");
        refused("GET", "/logs?lines=ten", null, 400, "lines: expected a whole number from 1 to 10000, got \"ten\"");
        refused("GET", "/logs?line=5", null, 400, "unknown query parameter line (did you mean lines?)");
        assertEquals("", logs("?lines=5"), "a run with no bots ran no actions");

        String rebound = raw("GET /status HTTP/1.1\r\nHost: evil.example:" + control.port() + "\r\nConnection: close\r\n\r\n");
        assertTrue(rebound.startsWith("HTTP/1.1 403 "), rebound);
        assertTrue(rebound.contains("{\"error\":\"this control server listens on loopback and answers only requests for localhost or 127.0.0.1, "
                + "not evil.example:" + control.port() + "\"}"), rebound);
        assertTrue(raw("GET /status HTTP/1.1\r\nHost: localhost:" + control.port() + "\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 200 "));
    }

    @Test
    void logsBeforeAnyRunSayWhatToDo() throws Exception {
        refused("GET", "/logs", null, 404, "there is no bot_run.log yet (looked for " + dir.resolve("logs/bot_run.log")
                + "); start a run first (POST /start)");
        JsonNode metrics = ok("GET", "/metrics", null, 200);
        assertEquals(JSON.readTree("{\"bot_count\": 0, \"total_error_count\": 0, \"runs\": 0, \"actions\": {}}"), metrics);
    }

    private String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", control.port())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
