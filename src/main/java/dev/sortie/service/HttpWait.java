package dev.sortie.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/** Waits until an instance answers an HTTP GET: {@code HttpWait.forPath("/health").withTimeout(...)}. */
public final class HttpWait {

    /** Why an instance never became ready; the message says what was expected and what happened. */
    public static final class NotReady extends Exception {
        public NotReady(String message) {
            super(message);
        }
    }

    private final String path;
    private final Duration timeout;
    private final IntPredicate accepts;
    private final Duration interval;

    private HttpWait(String path, Duration timeout, IntPredicate accepts, Duration interval) {
        this.path = path;
        this.timeout = timeout;
        this.accepts = accepts;
        this.interval = interval;
    }

    public static HttpWait forPath(String path) {
        return new HttpWait(path, Duration.ofSeconds(30), s -> s < 500, Duration.ofMillis(10));
    }

    public HttpWait withTimeout(Duration timeout) {
        return new HttpWait(path, timeout, accepts, interval);
    }

    public HttpWait accepting(IntPredicate accepts) {
        return new HttpWait(path, timeout, accepts, interval);
    }

    /**
     * Polls {@code http://127.0.0.1:port<path>} until it answers with an accepted status.
     *
     * @param deadReason asked between polls; a non-null answer means the process is gone and waiting is pointless
     */
    public void waitUntilReady(int port, Supplier<String> deadReason) throws NotReady, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer (connection refused)";
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            while (true) {
                try {
                    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
                    int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (accepts.test(status)) {
                        return;
                    }
                    last = "it answered " + status;
                } catch (IOException e) {
                    last = "no answer (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")";
                }
                String dead = deadReason.get();
                if (dead != null) {
                    throw new NotReady("GET " + path + " on port " + port + " never answered: " + dead);
                }
                if (System.nanoTime() > deadline) {
                    throw new NotReady("GET " + path + " on port " + port + " should answer within "
                            + timeout.toSeconds() + "s; " + last);
                }
                Thread.sleep(interval);
            }
        }
    }
}
