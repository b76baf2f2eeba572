package dev.sortie.bots.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sortie.bots.run.RunResult;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * POSTs an integration run's result to its {@code callback_url} as
 * {@code {"id": ..., "result": "ok" | "error", "reason": ...}}, on its own virtual thread so the
 * run never waits for the receiver. Connection trouble and 5xx/429 answers are retried with
 * backoff; what finally fails is written to stderr.
 */
final class IntegrationCallback {

    static final int ATTEMPTS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Duration firstBackoff;
    private final PrintStream warnings;

    IntegrationCallback(Duration firstBackoff, PrintStream warnings) {
        this.firstBackoff = firstBackoff;
        this.warnings = warnings;
    }

    /** The JSON the receiver gets. */
    static Map<String, String> payload(String id, RunResult result) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("result", result.passed() ? "ok" : "error");
        body.put("reason", result.reason());
        return body;
    }

    /** Starts delivering and returns at once. */
    void send(URI url, String id, RunResult result) {
        Thread.ofVirtual().name("bots-callback-" + id).start(() -> deliver(url, id, result));
    }

    private void deliver(URI url, String id, RunResult result) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(payload(id, result));
        } catch (IOException e) {
            warnings.println("sortie bots: cannot write the result of integration run " + id + " as JSON: " + e.getMessage());
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        String last = null;
        int attempt = 0;
        while (attempt < ATTEMPTS) {
            if (attempt > 0 && !pause(firstBackoff.multipliedBy(1L << (attempt - 1)))) {
                return;
            }
            attempt++;
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return;
                }
                last = "it answered " + status;
                if (status < 500 && status != 429) {
                    break; // the receiver turned it down; sending it again will not change its mind
                }
            } catch (IOException e) {
                last = "it could not be reached (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        warnings.println("sortie bots: POST " + url + " with the result of integration run " + id + " should answer 2xx; "
                + last + " (gave up after " + attempt + (attempt == 1 ? " attempt" : " attempts") + "; the result is also in GET /status)");
    }

    private static boolean pause(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
