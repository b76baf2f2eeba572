package dev.sortie.bots.http;

import com.sun.net.httpserver.HttpExchange;
import dev.sortie.config.Suggestions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * One request to the control server, with the guards every route shares: who it is addressed to,
 * how big its body is and what it claims to be, and its query parameters.
 */
record ControlRequest(HttpExchange exchange, InetAddress bind) {

    static final int MOST_BODY_BYTES = 1 << 20;

    String method() {
        return exchange.getRequestMethod();
    }

    String path() {
        return exchange.getRequestURI().getPath();
    }

    /**
     * On loopback, only requests addressed to a loopback name are served, so a web page cannot
     * reach the API through a DNS name rebound to 127.0.0.1 (trees can be Java code).
     */
    void checkHost() {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null || !bind.isLoopbackAddress()) {
            return;
        }
        String name = host.toLowerCase(Locale.ROOT).replaceFirst(":\\d*$", "");
        if (!(name.equals("localhost") || name.endsWith(".localhost") || name.equals("[::1]") || name.matches("127(\\.\\d{1,3}){3}"))) {
            throw new ControlError(403, "this control server listens on loopback and answers only requests for localhost or 127.0.0.1, not "
                    + host);
        }
    }

    /** The body, at most 1 MiB, which must be declared as JSON (so a web page cannot post a form to it). */
    byte[] jsonBody() throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MOST_BODY_BYTES) {
            throw tooLarge(length + " bytes");
        }
        if (!media.equals("application/json")) {
            throw new ControlError(415, "send the body as JSON with Content-Type: application/json (curl --json '{...}'), not "
                    + (type == null ? "without a Content-Type" : type));
        }
        byte[] body = exchange.getRequestBody().readNBytes(MOST_BODY_BYTES + 1);
        if (body.length > MOST_BODY_BYTES) {
            throw tooLarge("more than that");
        }
        return body;
    }

    private static ControlError tooLarge(String got) {
        return new ControlError(413, "a request body may be at most " + MOST_BODY_BYTES + " bytes (1 MiB); this one is " + got);
    }

    /** The value of the one query parameter a route takes, a whole number in [min, max]; any other parameter is refused. */
    int wholeNumberParam(String key, int fallback, int min, int max) {
        String query = exchange.getRequestURI().getRawQuery();
        int value = fallback;
        for (String pair : query == null || query.isEmpty() ? new String[0] : query.split("&")) {
            String[] kv = pair.split("=", 2);
            String name = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
            String text = kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
            if (!name.equals(key)) {
                String near = Suggestions.nearest(name, Set.of(key));
                throw new ControlError(400, "unknown query parameter " + name + (near != null ? " (did you mean " + key + "?)" : " (expected " + key + ")"));
            }
            if (!text.matches("\\d{1,9}") || Integer.parseInt(text) < min || Integer.parseInt(text) > max) {
                throw new ControlError(400, key + ": expected a whole number from " + min + " to " + max + ", got \"" + text + "\"");
            }
            value = Integer.parseInt(text);
        }
        return value;
    }
}
