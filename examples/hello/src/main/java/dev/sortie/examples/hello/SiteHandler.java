package dev.sortie.examples.hello;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Serves the greeting at {@code /}, the health check at {@code /health}, and 404 for any other path. */
public final class SiteHandler implements HttpHandler {

    static final String DEFAULT_GREETING = "Hello from Sortie!";

    /**
     * Optional override, resolved against the working directory on every request: when a
     * deployed release ships a {@code greeting.txt}, its trimmed contents replace the default
     * greeting. Tests use this to change what {@code GET /} serves from one push to the next
     * without touching the code.
     */
    static final Path GREETING_FILE = Path.of("greeting.txt");

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Responses.serve(exchange, () -> {
            switch (exchange.getRequestURI().getPath()) {
                case "/" -> getOnly(exchange, () -> Responses.text(exchange, 200, greeting() + "\n"));
                case "/health" -> getOnly(exchange, () -> Responses.json(exchange, 200, "{\"status\":\"ok\"}"));
                default -> Responses.text(exchange, 404, "Not Found\n");
            }
        });
    }

    private static void getOnly(HttpExchange exchange, Responses.Action action) throws IOException {
        if ("GET".equals(exchange.getRequestMethod())) {
            action.run();
        } else {
            Responses.methodNotAllowed(exchange, "GET", false);
        }
    }

    /** Returns the greeting from {@code greeting.txt} when it exists and is readable, else the default. */
    static String greeting() {
        if (Files.isRegularFile(GREETING_FILE)) {
            try {
                return Files.readString(GREETING_FILE).strip();
            } catch (IOException e) {
                System.err.println("hello: cannot read " + GREETING_FILE + ": " + e);
            }
        }
        return DEFAULT_GREETING;
    }
}
