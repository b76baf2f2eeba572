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
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A built-in HTTP action: sends one request relative to the bot's target with the bots' own
 * HTTP/1.1 client ({@link Http1Client}), checks what came back (status, body text, JSON values)
 * and saves JSON values into the bot's context. An answer that does not meet the expectations, or
 * no answer at all, is a failure with the reason. Redirects are followed only with
 * {@code followRedirects}; the body is decoded only when a check reads it.
 */
public record HttpAction(String method, String path, Map<String, String> headers, JsonNode json, String body, Duration timeout,
        Set<Integer> statuses, List<String> bodyContains, Map<JsonPath, JsonNode> jsonEquals, Map<String, JsonPath> save,
        boolean followRedirects, UrlCache urlCache) implements ActionFn {

    /** The request of an action without references, for the last target it was used with: built once, not per request. */
    static final class UrlCache {
        private volatile Fixed fixed;
    }

    static final ObjectMapper JSON = new ObjectMapper();
    /** Without a check that reads the body, only this much of it is kept, for the snippet in a failure. */
    private static final int SNIPPET_BYTES = 1024;

    /** The same action without redirects, as before follow_redirects existed. */
    public HttpAction(String method, String path, Map<String, String> headers, JsonNode json, String body, Duration timeout,
            Set<Integer> statuses, List<String> bodyContains, Map<JsonPath, JsonNode> jsonEquals, Map<String, JsonPath> save,
            UrlCache urlCache) {
        this(method, path, headers, json, body, timeout, statuses, bodyContains, jsonEquals, save, false, urlCache);
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
        Http1Client.Request request;
        try {
            request = prepare(ctx);
        } catch (Substitution.MissingValue e) {
            return Outcome.error(e.getMessage());
        } catch (IllegalArgumentException e) {
            return Outcome.error("cannot build the request: " + e.getMessage());
        }
        Http1Connection.Response answer;
        try {
            answer = Http1Client.SHARED.send(request, timeout.toNanos(), readsBody() ? Integer.MAX_VALUE : SNIPPET_BYTES, followRedirects);
        } catch (SocketTimeoutException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted during " + defaultName());
            }
            return Outcome.fail("no answer within " + timeout.toMillis() + "ms");
        } catch (ConnectException e) {
            Http1Client.Destination d = request.destination();
            return Outcome.fail("cannot connect to " + d.host() + ":" + d.port() + " (connection refused)");
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted during " + defaultName());
            }
            return Outcome.fail("request failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return check(answer.status(), answer.body(), ctx);
    }

    private boolean readsBody() {
        return !bodyContains.isEmpty() || !jsonEquals.isEmpty() || !save.isEmpty();
    }

    /** The request of a path without references, per target. */
    private record Fixed(String target, Http1Client.Request request) {
    }

    /** The request with every ${name} filled in. */
    Http1Client.Request prepare(BotContext ctx) {
        boolean fixedPath = !Substitution.hasRefs(path);
        boolean plain = headers.isEmpty() && json == null && body == null;
        if (fixedPath && plain) {
            Fixed fixed = urlCache.fixed;
            if (fixed == null || !fixed.target().equals(ctx.target())) {
                fixed = new Fixed(ctx.target(), Http1Client.Request.of(method, uri(ctx.target() + path), Map.of(), null));
                urlCache.fixed = fixed;
            }
            return fixed.request();
        }
        URI uri = uri(ctx.target() + (fixedPath ? path : Substitution.expandPath(path, ctx)));
        if (plain) {
            return Http1Client.Request.of(method, uri, Map.of(), null);
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
        return Http1Client.Request.of(method, uri, h, bytes);
    }

    private static URI uri(String text) {
        URI uri = URI.create(text);
        Http1Client.Destination.of(uri); // http or https, with a host: said here, before any request
        return uri;
    }

    Outcome check(int status, byte[] bytes, BotContext ctx) {
        if (statuses == null ? status < 200 || status > 299 : !statuses.contains(status)) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            String wanted = statuses == null ? "2xx" : statuses.size() == 1 ? statuses.iterator().next().toString() : "one of " + statuses;
            return Outcome.fail("expected status " + wanted + ", got " + status + snippet(text));
        }
        if (!readsBody()) {
            return Outcome.succeed();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
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
