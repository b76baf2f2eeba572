package dev.sortie.bots.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sortie.bots.tree.ActionFn;
import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A built-in HTTP action: sends one request relative to the bot's target with the JDK's HTTP client, checks what came back
 * (status, body text, JSON values) and saves JSON values into the bot's context. An answer that
 * does not meet the expectations, or no answer at all, is a failure with the reason.
 */
public record HttpAction(String method, String path, Map<String, String> headers, JsonNode json, String body, Duration timeout,
        Set<Integer> statuses, List<String> bodyContains, Map<JsonPath, JsonNode> jsonEquals, Map<String, JsonPath> save,
        UrlCache urlCache) implements ActionFn {

    /** The parsed URL of a path without references, for the last target it was used with. */
    static final class UrlCache {
        private volatile FixedUrl fixed;
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    static {
        // The JDK's HttpURLConnection on virtual threads is the fastest client the JDK has (about
        // 3x its HttpClient on loopback; see bench/bots-throughput.sh). Keep a connection per bot
        // alive instead of the default 5 per destination, and never resend a POST on our own.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "10000");
        }
        if (System.getProperty("sun.net.http.retryPost") == null) {
            System.setProperty("sun.net.http.retryPost", "false");
        }
    }

    /** HttpURLConnection cannot send PATCH, so PATCH alone goes through the JDK's HttpClient. */
    private static final class PatchClient {
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(CONNECT_TIMEOUT_MS))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** What came back: a status and the body as text. */
    record Answer(int status, String body) {
    }

    /** The name an action gets when the YAML gives none: "GET /api/notes/${id}". */
    String defaultName() {
        return method + " " + path;
    }

    @Override
    public Outcome run(BotContext ctx) throws InterruptedException {
        if (ctx.target().isEmpty()) {
            return Outcome.error("no target URL to send " + defaultName() + " to");
        }
        Prepared request;
        try {
            request = prepare(ctx);
        } catch (Substitution.MissingValue e) {
            return Outcome.error(e.getMessage());
        } catch (IllegalArgumentException e) {
            return Outcome.error("cannot build the request: " + e.getMessage());
        }
        Answer answer;
        try {
            answer = request.method().equals("PATCH") ? sendWithHttpClient(request) : send(request);
        } catch (HttpTimeoutException | SocketTimeoutException e) {
            return Outcome.fail("no answer within " + timeout.toMillis() + "ms");
        } catch (ConnectException e) {
            return Outcome.fail("cannot connect to " + request.uri().getHost() + ":" + port(request.uri()) + " (connection refused)");
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted during " + defaultName());
            }
            return Outcome.fail("request failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return check(answer.status(), answer.body(), ctx);
    }

    /** A request with every ${name} filled in. */
    record Prepared(String method, URI given, URL url, Map<String, String> headers, byte[] body) {
        URI uri() {
            return given != null ? given : URI.create(url.toString());
        }
    }

    /** The URL of a path without references, per target: parsed once, not per request. */
    private record FixedUrl(String target, URL url) {
    }

    Prepared prepare(BotContext ctx) {
        URL url;
        URI uri = null;
        if (Substitution.hasRefs(path)) {
            uri = URI.create(ctx.target() + Substitution.expandPath(path, ctx));
            url = toUrl(uri);
        } else {
            FixedUrl fixed = urlCache.fixed;
            if (fixed == null || !fixed.target().equals(ctx.target())) {
                fixed = new FixedUrl(ctx.target(), toUrl(URI.create(ctx.target() + path)));
                urlCache.fixed = fixed;
            }
            url = fixed.url();
        }
        if (headers.isEmpty() && json == null && body == null) {
            return new Prepared(method, uri, url, Map.of(), null);
        }
        Map<String, String> h = new LinkedHashMap<>();
        boolean contentType = false;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            h.put(e.getKey(), Substitution.expand(e.getValue(), ctx));
            contentType |= e.getKey().equalsIgnoreCase("content-type");
        }
        byte[] bytes = null;
        if (json != null) {
            try {
                bytes = JSON.writeValueAsBytes(expand(json, ctx));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e.getOriginalMessage());
            }
            if (!contentType) {
                h.put("Content-Type", "application/json");
            }
        } else if (body != null) {
            bytes = Substitution.expand(body, ctx).getBytes(StandardCharsets.UTF_8);
        }
        return new Prepared(method, uri, url, h, bytes);
    }

    private static URL toUrl(URI uri) {
        try {
            return uri.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private Answer send(Prepared r) throws IOException {
        HttpURLConnection c = (HttpURLConnection) r.url().openConnection(Proxy.NO_PROXY);
        c.setRequestMethod(r.method());
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(CONNECT_TIMEOUT_MS);
        c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
        r.headers().forEach(c::setRequestProperty);
        if (r.body() != null) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(r.body().length);
            try (var out = c.getOutputStream()) {
                out.write(r.body());
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = "";
        if (in != null) {
            try (in) { // reading to the end and closing returns the connection to the keep-alive cache
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return new Answer(status, text);
    }

    private Answer sendWithHttpClient(Prepared r) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(r.uri()).timeout(timeout);
        r.headers().forEach(b::header);
        b.method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body()));
        HttpResponse<String> response = PatchClient.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    Outcome check(int status, String text, BotContext ctx) {
        if (statuses == null ? status < 200 || status > 299 : !statuses.contains(status)) {
            String wanted = statuses == null ? "2xx" : statuses.size() == 1 ? statuses.iterator().next().toString() : "one of " + statuses;
            return Outcome.fail("expected status " + wanted + ", got " + status + snippet(text));
        }
        for (String part : bodyContains) {
            String expanded = Substitution.expand(part, ctx);
            if (!text.contains(expanded)) {
                return Outcome.fail("the body does not contain \"" + expanded + "\"" + snippet(text));
            }
        }
        if (jsonEquals.isEmpty() && save.isEmpty()) {
            return Outcome.succeed();
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return Outcome.fail("the body is not JSON" + snippet(text));
        }
        for (Map.Entry<JsonPath, JsonNode> e : jsonEquals.entrySet()) {
            JsonNode actual = e.getKey().find(doc);
            JsonNode expected = expand(e.getValue(), ctx);
            if (actual == null) {
                return Outcome.fail(e.getKey() + ": missing, expected " + expected);
            }
            if (!same(expected, actual)) {
                return Outcome.fail(e.getKey() + ": expected " + expected + ", got " + actual);
            }
        }
        if (save.isEmpty()) {
            return Outcome.succeed();
        }
        Map<String, Object> saved = new HashMap<>();
        for (Map.Entry<String, JsonPath> e : save.entrySet()) {
            JsonNode value = e.getValue().find(doc);
            if (value == null || value.isNull()) {
                return Outcome.fail("cannot save " + e.getKey() + ": " + e.getValue() + " is missing from the answer" + snippet(text));
            }
            saved.put(e.getKey(), value.isTextual() ? value.asText() : value.isNumber() ? value.numberValue() : value.isBoolean() ? value.asBoolean() : value.toString());
        }
        return Outcome.succeed(saved);
    }

    private static boolean same(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        if (expected.isTextual() && !actual.isTextual() && actual.isValueNode()) {
            return expected.asText().equals(actual.asText()); // "${note_id}" expands to text; the answer holds a number
        }
        return expected.equals(actual);
    }

    private static JsonNode expand(JsonNode node, BotContext ctx) {
        if (node.isTextual()) {
            String text = node.asText();
            return Substitution.hasRefs(text) ? new TextNode(Substitution.expand(text, ctx)) : node;
        }
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            node.properties().forEach(e -> copy.set(e.getKey(), expand(e.getValue(), ctx)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(n -> copy.add(expand(n, ctx)));
            return copy;
        }
        return node;
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String one = body.strip().replaceAll("\\s+", " ");
        return " (body: " + (one.length() > 120 ? one.substring(0, 120) + "..." : one) + ")";
    }
}
