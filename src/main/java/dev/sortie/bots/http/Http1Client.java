package dev.sortie.bots.http;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * The bots' HTTP/1.1 client: blocking calls on the bot's (virtual) thread, keep-alive
 * connections pooled per host, a deadline for the whole exchange, TLS with host-name checks, and
 * redirects followed only when asked. Chosen by measurement over HttpURLConnection, the JDK's
 * HttpClient, Apache HttpClient 5, Jetty and Netty (bench/http-clients.sh): it does per request
 * only what a bot needs. Thread-safe.
 */
final class Http1Client {

    /** The connect timeout, within the request's own deadline. */
    static final int CONNECT_MILLIS = 5_000;
    static final int MAX_REDIRECTS = 10;
    /** Idle connections kept per host; beyond it a returned connection is closed. */
    private static final int MAX_IDLE = 10_000;

    static final Http1Client SHARED = new Http1Client(() -> (SSLSocketFactory) SSLSocketFactory.getDefault());

    /** Where a connection goes. Its hash is computed once: every request looks its pool up by it. */
    static final class Destination {
        private final boolean tls;
        private final String host;
        private final int port;
        private final int hash;

        Destination(boolean tls, String host, int port) {
            this.tls = tls;
            this.host = host;
            this.port = port;
            this.hash = (host.hashCode() * 31 + port) * 2 + (tls ? 1 : 0);
        }

        static Destination of(URI uri) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("only http and https URLs can be requested, got " + uri);
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host in " + uri);
            }
            boolean tls = scheme.equals("https");
            return new Destination(tls, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80);
        }

        boolean tls() {
            return tls;
        }

        String host() {
            return host;
        }

        int port() {
            return port;
        }

        /** The Host header's value: the port only when it is not the scheme's default. */
        String hostHeader() {
            String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
            return port == (tls ? 443 : 80) ? h : h + ":" + port;
        }

        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof Destination d && d.hash == hash && d.port == port && d.tls == tls && d.host.equals(host);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return (tls ? "https://" : "http://") + hostHeader();
        }
    }

    /**
     * A request ready to send: where, the head (request line and headers, no final blank line)
     * and the body. Build once and reuse when nothing in it changes.
     */
    record Request(String method, URI uri, Destination destination, byte[] head, byte[] body, Map<String, String> headers) {
        static Request of(String method, URI uri, Map<String, String> headers, byte[] body) {
            Destination d = Destination.of(uri);
            StringBuilder b = new StringBuilder(128);
            String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            b.append(method).append(' ').append(target);
            if (uri.getRawQuery() != null) {
                b.append('?').append(uri.getRawQuery());
            }
            b.append(" HTTP/1.1");
            boolean host = false;
            for (Map.Entry<String, String> e : headers.entrySet()) {
                String name = e.getKey();
                checkHeader(name, e.getValue());
                if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")) {
                    continue; // the body's length is ours to say
                }
                host |= name.equalsIgnoreCase("host");
                b.append("\r\n").append(name).append(": ").append(e.getValue());
            }
            if (!host) {
                b.append("\r\nHost: ").append(d.hostHeader());
            }
            if (!headers.containsKey("User-Agent") && headers.keySet().stream().noneMatch("user-agent"::equalsIgnoreCase)) {
                b.append("\r\nUser-Agent: sortie-bots");
            }
            return new Request(method, uri, d, b.toString().getBytes(StandardCharsets.UTF_8), body, headers);
        }

        private static void checkHeader(String name, String value) {
            if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c >= 127)) {
                throw new IllegalArgumentException("header name \"" + name + "\" is not a valid HTTP token");
            }
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header " + name + " contains a line break");
            }
        }

        boolean idempotent() {
            return !method.equals("POST") && !method.equals("PATCH");
        }
    }

    /** Too many redirects in a row, or one that cannot be followed. */
    static final class RedirectException extends IOException {
        RedirectException(String message) {
            super(message);
        }
    }

    private final Supplier<SSLSocketFactory> tls;
    private volatile SSLSocketFactory tlsFactory;
    private final ConcurrentHashMap<Destination, Pool> pools = new ConcurrentHashMap<>();

    /** @param tls the TLS socket factory, asked for on the first https request */
    Http1Client(Supplier<SSLSocketFactory> tls) {
        this.tls = tls;
    }

    /**
     * Sends the request and reads the answer, keeping up to {@code keepBytes} of its body; all of it
     * within {@code timeoutNanos}. With {@code followRedirects}, a 301, 302, 303, 307 or 308 with a
     * Location is followed (up to {@value #MAX_REDIRECTS}): 303, and 301/302 after a POST, become a
     * GET without a body, as browsers do; a redirect to another host drops Authorization and Cookie;
     * one from https to http is refused.
     */
    Http1Connection.Response send(Request request, long timeoutNanos, int keepBytes, boolean followRedirects) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        Request r = request;
        for (int redirects = 0; ; redirects++) {
            Http1Connection.Response answer = exchange(r, keepBytes, deadline);
            if (!followRedirects || answer.location() == null || !redirect(answer.status())) {
                return answer;
            }
            if (redirects == MAX_REDIRECTS) {
                throw new RedirectException("more than " + MAX_REDIRECTS + " redirects (the last to " + answer.location() + ")");
            }
            r = next(r, answer);
        }
    }

    private static boolean redirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static Request next(Request r, Http1Connection.Response answer) throws RedirectException {
        URI to;
        try {
            to = r.uri().resolve(URI.create(answer.location()));
        } catch (IllegalArgumentException e) {
            throw new RedirectException("cannot follow the redirect to " + answer.location() + ": " + e.getMessage());
        }
        Destination d;
        try {
            d = Destination.of(to);
        } catch (IllegalArgumentException e) {
            throw new RedirectException("cannot follow the redirect to " + answer.location() + ": " + e.getMessage());
        }
        if (r.destination().tls() && !d.tls()) {
            throw new RedirectException("refusing to follow a redirect from https to http (" + to + ")");
        }
        boolean toGet = answer.status() == 303 && !r.method().equals("HEAD")
                || (answer.status() == 301 || answer.status() == 302) && r.method().equals("POST");
        Map<String, String> headers = r.headers();
        if (!d.equals(r.destination()) || toGet) {
            Map<String, String> kept = new java.util.LinkedHashMap<>();
            boolean sameHost = d.equals(r.destination());
            headers.forEach((k, v) -> {
                String lower = k.toLowerCase(Locale.ROOT);
                boolean credentials = lower.equals("authorization") || lower.equals("cookie");
                boolean bodyHeader = toGet && lower.startsWith("content-");
                if (!lower.equals("host") && (sameHost || !credentials) && !bodyHeader) {
                    kept.put(k, v);
                }
            });
            headers = kept;
        }
        return Request.of(toGet ? "GET" : r.method(), to, headers, toGet ? null : r.body());
    }

    private Http1Connection.Response exchange(Request r, int keepBytes, long deadline) throws IOException {
        Pool pool = pools.computeIfAbsent(r.destination(), d -> new Pool());
        Http1Connection c = pool.take();
        boolean reused = c != null;
        if (c == null) {
            c = open(r.destination(), deadline);
        }
        try {
            Http1Connection.Response answer = c.exchange(r.head(), r.body(), r.method().equals("HEAD"), keepBytes, deadline);
            pool.give(c);
            return answer;
        } catch (SocketTimeoutException e) {
            c.close();
            throw e;
        } catch (EOFException | SocketException e) {
            c.close();
            // a kept-alive connection the server had closed: once more on a new one, unless it could have acted on it
            if (!reused || !r.idempotent() || Thread.currentThread().isInterrupted()) {
                throw e;
            }
            Http1Connection fresh = open(r.destination(), deadline);
            try {
                Http1Connection.Response answer = fresh.exchange(r.head(), r.body(), r.method().equals("HEAD"), keepBytes, deadline);
                pool.give(fresh);
                return answer;
            } catch (IOException | RuntimeException again) {
                fresh.close();
                throw again;
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private Http1Connection open(Destination d, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("no time left to connect");
        }
        return Http1Connection.open(d.host(), d.port(), d.tls() ? tlsFactory() : null, (int) Math.min(CONNECT_MILLIS, left));
    }

    private SSLSocketFactory tlsFactory() {
        SSLSocketFactory f = tlsFactory;
        if (f == null) {
            f = tls.get();
            tlsFactory = f;
        }
        return f;
    }

    /** Idle connections to one destination, the most recently used first. */
    private static final class Pool {
        private final ConcurrentLinkedDeque<Http1Connection> idle = new ConcurrentLinkedDeque<>();
        private final AtomicInteger size = new AtomicInteger();

        Http1Connection take() {
            Http1Connection c = idle.pollFirst();
            if (c != null) {
                size.decrementAndGet();
            }
            return c;
        }

        void give(Http1Connection c) {
            if (!c.reusable() || size.incrementAndGet() > MAX_IDLE) {
                if (c.reusable()) {
                    size.decrementAndGet();
                }
                c.close();
                return;
            }
            idle.offerFirst(c);
        }
    }
}
