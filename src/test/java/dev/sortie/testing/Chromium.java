package dev.sortie.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium (Debian's {@code chromium}), driven over the Chrome DevTools Protocol
 * on its own loopback port with the JDK's WebSocket client. Runs as root with {@code --no-sandbox}
 * and its own profile under the given dir; {@link #close()} kills it and everything it started.
 */
public final class Chromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path stderr;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Page> pages = new ArrayList<>();

    private Chromium(Process process, int port, Path stderr) {
        this.process = process;
        this.port = port;
        this.stderr = stderr;
    }

    /** Starts Chromium with a window of {@code width} x {@code height} (what screenshots show). */
    public static Chromium start(Path dir, int width, int height) throws IOException, InterruptedException {
        String binary = Requirements.program("chromium", "chromium");
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        Path stderr = dir.resolve("chromium.stderr");
        Process p = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).redirectOutput(stderr.toFile()).start();
        Path active = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            if (Files.isRegularFile(active)) {
                List<String> lines = Files.readAllLines(active);
                if (lines.size() >= 2) {
                    return new Chromium(p, Integer.parseInt(lines.get(0).trim()), stderr);
                }
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                kill(p);
                throw new AssertionError("chromium did not open its DevTools port within " + PATIENCE.toSeconds() + "s (exit "
                        + (p.isAlive() ? "none" : p.exitValue()) + "): " + Files.readString(stderr));
            }
            Thread.sleep(50);
        }
    }

    /** Opens a new tab, enables what the tests watch (console, exceptions, log, network), then loads the URL. */
    public Page open(String url) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/new?about:blank"))
                .PUT(HttpRequest.BodyPublishers.noBody()).timeout(PATIENCE).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 200) {
            throw new AssertionError("chromium refused a new tab: " + created.statusCode() + " " + created.body());
        }
        String ws = JSON.readTree(created.body()).get("webSocketDebuggerUrl").asText();
        Page page = new Page();
        page.socket = http.newWebSocketBuilder().connectTimeout(PATIENCE).buildAsync(URI.create(ws), page.listener()).get(30, TimeUnit.SECONDS);
        pages.add(page);
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
            page.send(domain + ".enable", Map.of());
        }
        page.navigate(url);
        return page;
    }

    @Override
    public void close() {
        for (Page p : pages) {
            p.socket.abort();
        }
        kill(process);
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What Chromium printed, for failure messages. */
    public String log() throws IOException {
        return Files.readString(stderr);
    }

    /** One tab, over its own DevTools WebSocket. Every event is kept so tests can look for console errors and requests. */
    public static final class Page {
        private WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
        private final List<JsonNode> events = new CopyOnWriteArrayList<>();

        private WebSocket.Listener listener() {
            return new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        String text = partial.toString();
                        partial.setLength(0);
                        try {
                            JsonNode msg = JSON.readTree(text);
                            if (msg.has("id")) {
                                CompletableFuture<JsonNode> f = waiting.remove(msg.get("id").asInt());
                                if (f != null) {
                                    f.complete(msg);
                                }
                            } else {
                                events.add(msg);
                            }
                        } catch (IOException e) {
                            events.add(JSON.createObjectNode().put("method", "test.unparsable").put("text", text));
                        }
                    }
                    ws.request(1);
                    return null;
                }
            };
        }

        /** Sends a command and waits for its result; a protocol error fails the test with Chromium's message. */
        public JsonNode send(String method, Map<String, ?> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            waiting.put(id, answer);
            ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
            msg.set("params", JSON.valueToTree(params));
            socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
            JsonNode reply = answer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new AssertionError(method + " failed in chromium: " + reply.get("error"));
            }
            return reply.get("result");
        }

        /** Loads a URL and waits for its load event. */
        public void navigate(String url) throws Exception {
            int before = count("Page.loadEventFired");
            JsonNode r = send("Page.navigate", Map.of("url", url));
            if (r.has("errorText")) {
                throw new AssertionError("chromium could not load " + url + ": " + r.get("errorText").asText());
            }
            await("the load event of " + url, () -> count("Page.loadEventFired") > before);
        }

        private int count(String method) {
            return (int) events.stream().filter(e -> method.equals(e.path("method").asText())).count();
        }

        /** Evaluates a JavaScript expression (awaiting a promise) and returns its value as JSON; a thrown exception fails the test. */
        public JsonNode eval(String expression) throws Exception {
            JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
            if (r.has("exceptionDetails")) {
                throw new AssertionError("the page threw on " + expression + ": " + r.get("exceptionDetails"));
            }
            return r.path("result").path("value");
        }

        /** Waits until a JavaScript condition is true (retrying through a navigation, when the page has no context yet). */
        public void waitFor(String what, String condition) throws Exception {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            AssertionError last = null;
            while (true) {
                try {
                    if (eval("Boolean(" + condition + ")").asBoolean()) {
                        return;
                    }
                } catch (AssertionError e) {
                    last = e;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("gave up waiting in chromium for " + what + " (" + condition + ")"
                            + (last == null ? "" : "; last: " + last.getMessage()));
                }
                Thread.sleep(50);
            }
        }

        private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("gave up waiting in chromium for " + what);
                }
                Thread.sleep(20);
            }
        }

        /** A real click: the mouse pressed and released at the middle of the element, as a user's would be. */
        public void click(String selector) throws Exception {
            JsonNode box = eval("(() => { const e = document.querySelector(" + JSON.writeValueAsString(selector) + ");"
                    + " if (!e) return null; e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                    + " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()");
            if (box.isNull() || box.isMissingNode()) {
                throw new AssertionError("no element " + selector + " to click");
            }
            for (String type : List.of("mousePressed", "mouseReleased")) {
                send("Input.dispatchMouseEvent", Map.of("type", type, "x", box.get("x").asDouble(), "y", box.get("y").asDouble(),
                        "button", "left", "clickCount", 1));
            }
        }

        /** Types into a field as a user would: focus it, select what is there, insert the text. */
        public void type(String selector, String text) throws Exception {
            eval("(() => { const e = document.querySelector(" + JSON.writeValueAsString(selector) + "); e.focus(); e.select(); })()");
            send("Input.insertText", Map.of("text", text));
        }

        /** Console errors, uncaught exceptions and error log entries (a failed load is one), as text. */
        public List<String> errors() {
            List<String> out = new ArrayList<>();
            for (JsonNode e : events) {
                String m = e.path("method").asText();
                JsonNode p = e.path("params");
                if (m.equals("Runtime.consoleAPICalled") && p.path("type").asText().matches("error|assert")) {
                    out.add("console." + p.path("type").asText() + ": " + p.path("args"));
                } else if (m.equals("Runtime.exceptionThrown")) {
                    out.add("exception: " + p.path("exceptionDetails"));
                } else if (m.equals("Log.entryAdded") && p.path("entry").path("level").asText().equals("error")) {
                    out.add("log: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText());
                } else if (m.equals("test.unparsable")) {
                    out.add("unparsable DevTools message: " + e.path("text").asText());
                }
            }
            return out;
        }

        /** The URLs the page requested, in order. */
        public List<String> requests() {
            return events.stream().filter(e -> e.path("method").asText().equals("Network.requestWillBeSent"))
                    .map(e -> e.path("params").path("request").path("url").asText()).toList();
        }

        /** Saves a PNG of the whole page (beyond the window) there. */
        public void screenshot(Path file) throws Exception {
            JsonNode size = send("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
            Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", size.path("width").asDouble(), "height",
                    Math.min(12_000, size.path("height").asDouble()), "scale", 1);
            JsonNode r = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, Base64.getDecoder().decode(r.get("data").asText().getBytes(StandardCharsets.US_ASCII)));
        }
    }
}
