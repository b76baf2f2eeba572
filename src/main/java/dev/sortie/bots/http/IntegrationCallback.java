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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * POSTs an integration run's result to its {@code callback_url} as
 * {@code {"id": ..., "result": "ok" | "error", "reason": ...}}, on its own virtual thread so the
 * run never waits for the receiver. Connection trouble and 5xx/429 answers are retried with
 * backoff; what finally fails is written to stderr. Only loopback hosts are called back, unless
 * {@code bots serve --allow-callback-host HOST} names more: the API must not be a way to make
 * this machine POST anywhere.
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
    private final Set<String> allowedHosts;

    IntegrationCallback(Duration firstBackoff, PrintStream warnings) {
        this(firstBackoff, warnings, Set.of());
    }

    /** @param allowedHosts hosts besides loopback that results may be POSTed to (compared without case) */
    IntegrationCallback(Duration firstBackoff, PrintStream warnings, Set<String> allowedHosts) {
        this.firstBackoff = firstBackoff;
        this.warnings = warnings;
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** Why a callback URL is refused; null if it may be called. */
    String refusal(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        if (loopback(host) || allowedHosts.contains(host) || allowedHosts.contains(host.replaceAll("^\\[|]$", ""))) {
            return null;
        }
        return "callback_url: " + url + " is not on this machine (loopback), and only loopback is called back unless"
                + " sortie bots serve --allow-callback-host " + host.replaceAll("^\\[|]$", "") + " allows that host";
    }

    /** localhost, *.localhost, 127.0.0.0/8 and ::1, as written: no name is looked up. */
    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        return h.equals("localhost") || h.endsWith(".localhost") || h.matches("127(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}")
                || h.matches("(0{0,4}:){2,7}0{0,3}1") || h.equals("::1");
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
