package dev.sortie.examples.hello;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Helpers that write complete, UTF-8 encoded responses to an exchange. */
final class Responses {

    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";

    private Responses() {}

    /** A piece of request handling that may fail with an I/O error. */
    @FunctionalInterface
    interface Action {
        void run() throws IOException;
    }

    /**
     * Runs {@code action} for the exchange and always closes it; an unexpected exception is
     * logged and answered with 500 when no response has been started yet.
     */
    static void serve(HttpExchange exchange, Action action) throws IOException {
        try (exchange) {
            try {
                action.run();
            } catch (RuntimeException e) {
                System.err.println("hello: " + exchange.getRequestMethod() + " "
                        + exchange.getRequestURI() + " failed: " + e);
                if (exchange.getResponseCode() == -1) {
                    text(exchange, 500, "Internal Server Error\n");
                }
            }
        }
    }

    static void text(HttpExchange exchange, int status, String body) throws IOException {
        send(exchange, status, TEXT, body);
    }

    static void json(HttpExchange exchange, int status, String body) throws IOException {
        send(exchange, status, JSON, body);
    }

    static void jsonError(HttpExchange exchange, int status, String message) throws IOException {
        json(exchange, status, "{\"error\":" + Json.quote(message) + "}");
    }

    /** Answers 405 with the Allow header listing the methods the route does accept. */
    static void methodNotAllowed(HttpExchange exchange, String allow, boolean asJson) throws IOException {
        exchange.getResponseHeaders().set("Allow", allow);
        String message = "method " + exchange.getRequestMethod() + " not allowed; use " + allow;
        if (asJson) {
            jsonError(exchange, 405, message);
        } else {
            text(exchange, 405, message + "\n");
        }
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
