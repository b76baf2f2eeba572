package dev.sortie.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server on loopback for bot tests: {@code GET /health}, {@code POST /api/notes}
 * (JSON {"text"} in, {"id","text"} out, 201), {@code GET /api/notes/ID}, {@code GET /status/CODE}
 * and {@code GET /slow?ms=N}. Counts every request it answers.
 */
public final class NotesServer implements AutoCloseable {

    private static final Pattern TEXT = Pattern.compile("\"text\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private final HttpServer server;
    private final Map<Integer, String> notes = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();

    public NotesServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public long requests() {
        return requests.sum();
    }

    public String lastHeader(String name) {
        return lastHeaders.get(name.toLowerCase());
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.increment();
        ex.getRequestHeaders().forEach((k, v) -> lastHeaders.put(k.toLowerCase(), v.get(0)));
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (path.equals("/health")) {
                send(ex, 200, "ok");
            } else if (path.equals("/api/notes") && method.equals("POST")) {
                Matcher m = TEXT.matcher(body);
                if (!m.find()) {
                    send(ex, 400, "{\"error\":\"text is required\"}");
                    return;
                }
                int id = nextId.incrementAndGet();
                notes.put(id, m.group(1));
                send(ex, 201, "{\"id\":" + id + ",\"text\":\"" + m.group(1) + "\"}");
            } else if (path.startsWith("/api/notes/") && method.equals("GET")) {
                String text = notes.get(Integer.parseInt(path.substring("/api/notes/".length())));
                if (text == null) {
                    send(ex, 404, "{\"error\":\"no such note\"}");
                } else {
                    send(ex, 200, "{\"id\":" + path.substring("/api/notes/".length()) + ",\"text\":\"" + text + "\"}");
                }
            } else if (path.startsWith("/status/")) {
                send(ex, Integer.parseInt(path.substring("/status/".length())), "status page");
            } else if (path.equals("/slow")) {
                String q = ex.getRequestURI().getQuery();
                Thread.sleep(Long.parseLong(q.substring(q.indexOf('=') + 1)));
                send(ex, 200, "slow");
            } else {
                send(ex, 404, "not found");
            }
        } catch (InterruptedException | NumberFormatException e) {
            send(ex, 500, "server error");
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
