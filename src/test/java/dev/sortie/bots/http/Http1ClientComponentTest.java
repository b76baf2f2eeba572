package dev.sortie.bots.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sortie.testing.Proc;
import dev.sortie.testing.Requirements;
import dev.sortie.testing.TestCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The bots' HTTP/1.1 client against the JDK's own server, a hand-rolled socket server, and a real nginx (plain and TLS). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http1ClientComponentTest {

    private static final long TIMEOUT = Duration.ofSeconds(10).toNanos();

    @TempDir
    Path tmp;

    private HttpServer jdk;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private Path nginxPid;

    @BeforeEach
    void startJdkServer() throws IOException {
        jdk = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jdk.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        jdk.createContext("/", this::handle);
        jdk.start();
    }

    @AfterEach
    void stop() throws Exception {
        jdk.stop(0);
        if (nginxPid != null && Files.exists(nginxPid)) {
            Proc.run(tmp, Map.of(), 30, List.of("kill", Files.readString(nginxPid).strip()));
        }
    }

    /** Records "METHOD path body from-port" of every request, and answers as the path says. */
    private void handle(HttpExchange x) throws IOException {
        byte[] in = x.getRequestBody().readAllBytes();
        String path = x.getRequestURI().toString();
        seen.add(x.getRequestMethod() + " " + path + " " + new String(in, StandardCharsets.UTF_8) + " " + x.getRemoteAddress().getPort()
                + " " + x.getRequestHeaders().getFirst("X-Token") + " " + x.getRequestHeaders().getFirst("Authorization"));
        switch (x.getRequestURI().getPath()) {
            case "/chunked" -> {
                x.sendResponseHeaders(200, 0); // length 0: the JDK server sends chunks
                try (OutputStream out = x.getResponseBody()) {
                    for (int i = 0; i < 1000; i++) {
                        out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
            }
            case "/slow" -> {
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(x, 200, "late");
            }
            case "/close" -> {
                x.getResponseHeaders().set("Connection", "close");
                answer(x, 200, "bye");
            }
            case "/see-other" -> redirect(x, 303, "/echo");
            case "/moved" -> redirect(x, 302, "/echo");
            case "/temporary" -> redirect(x, 307, "/echo");
            case "/loop" -> redirect(x, 302, "/loop");
            case "/elsewhere" -> redirect(x, 302, "http://localhost:" + jdk.getAddress().getPort() + "/echo");
            default -> answer(x, path.startsWith("/status/") ? Integer.parseInt(path.substring(8)) : 200,
                    x.getRequestMethod() + " " + path + " " + new String(in, StandardCharsets.UTF_8));
        }
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void redirect(HttpExchange x, int status, String location) throws IOException {
        x.getResponseHeaders().set("Location", location);
        answer(x, status, "go to " + location);
    }

    private String jdkUrl(String path) {
        return "http://127.0.0.1:" + jdk.getAddress().getPort() + path;
    }

    private static Http1Connection.Response send(Http1Client client, String method, String url, Map<String, String> headers, String body,
            boolean follow) throws IOException {
        Http1Client.Request r = Http1Client.Request.of(method, URI.create(url), headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        return client.send(r, TIMEOUT, Integer.MAX_VALUE, follow);
    }

    private static String text(Http1Connection.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String port(String seenLine) {
        String[] parts = seenLine.split(" ");
        return parts[parts.length - 3];
    }

    @Test
    void keepsAConnectionAliveAcrossRequestsAndSendsBodiesAndHeaders() throws Exception {
        Http1Client client = new Http1Client(() -> null);
        for (int i = 0; i < 5; i++) {
            Http1Connection.Response r = send(client, "POST", jdkUrl("/echo?i=" + i), Map.of("X-Token", "t" + i), "body " + i, false);
            assertEquals(200, r.status());
            assertEquals("POST /echo?i=" + i + " body " + i, text(r));
        }
        Http1Connection.Response patch = send(client, "PATCH", jdkUrl("/echo"), Map.of(), "{}", false);
        assertEquals("PATCH /echo {}", text(patch));
        assertEquals(6, seen.size());
        assertEquals(1, seen.stream().map(Http1ClientComponentTest::port).distinct().count(), "one connection for all: " + seen);
        assertTrue(seen.getFirst().endsWith(" t0 null"), seen.getFirst());
    }

    @Test
    void readsChunkedBodiesAndKeepsOnlyWhatItIsAskedFor() throws Exception {
        Http1Client client = new Http1Client(() -> null);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            expected.append("line ").append(i).append('\n');
        }
        Http1Connection.Response whole = send(client, "GET", jdkUrl("/chunked"), Map.of(), null, false);
        assertEquals(expected.toString(), text(whole));
        Http1Connection.Response head = client.send(Http1Client.Request.of("GET", URI.create(jdkUrl("/chunked")), Map.of(), null), TIMEOUT, 7, false);
        assertEquals("line 0\n", text(head));
        // the rest of the body was read off the wire: the connection still serves the next request
        assertEquals("GET /after ", text(send(client, "GET", jdkUrl("/after"), Map.of(), null, false)));
        assertEquals(1, seen.stream().map(Http1ClientComponentTest::port).distinct().count(), seen.toString());
    }

    @Test
    void aClosedConnectionIsNotReusedAndAnHttpErrorIsAnAnswer() throws Exception {
        Http1Client client = new Http1Client(() -> null);
        assertEquals("bye", text(send(client, "GET", jdkUrl("/close"), Map.of(), null, false)));
        Http1Connection.Response missing = send(client, "GET", jdkUrl("/status/404"), Map.of(), null, false);
        assertEquals(404, missing.status());
        assertNotEquals(port(seen.get(0)), port(seen.get(1)), seen.toString());
    }

    @Test
    void theDeadlineCoversTheWholeExchange() throws Exception {
        Http1Client client = new Http1Client(() -> null);
        long start = System.nanoTime();
        Http1Client.Request slow = Http1Client.Request.of("GET", URI.create(jdkUrl("/slow")), Map.of(), null);
        assertThrows(SocketTimeoutException.class, () -> client.send(slow, Duration.ofMillis(200).toNanos(), Integer.MAX_VALUE, false));
        assertTrue(System.nanoTime() - start < Duration.ofMillis(1_900).toNanos(), "gave up before the answer came");
    }

    @Test
    void redirectsAreFollowedOnlyWhenAsked() throws Exception {
        Http1Client client = new Http1Client(() -> null);
        Http1Connection.Response notFollowed = send(client, "GET", jdkUrl("/moved"), Map.of(), null, false);
        assertEquals(302, notFollowed.status());
        assertEquals("/echo", notFollowed.location());

        assertEquals("GET /echo ", text(send(client, "GET", jdkUrl("/moved"), Map.of(), null, true)));
        // 303 turns a POST into a GET without its body; 307 keeps both
        assertEquals("GET /echo ", text(send(client, "POST", jdkUrl("/see-other"), Map.of("Content-Type", "text/plain"), "data", true)));
        assertEquals("POST /echo data", text(send(client, "POST", jdkUrl("/temporary"), Map.of(), "data", true)));
        // another host (localhost instead of 127.0.0.1) gets no credentials
        seen.clear();
        assertEquals("GET /echo ", text(send(client, "GET", jdkUrl("/elsewhere"), Map.of("X-Token", "keep", "Authorization", "secret"), null, true)));
        assertTrue(seen.getFirst().endsWith(" keep secret"), seen.toString());
        assertTrue(seen.getLast().endsWith(" keep null"), seen.toString());
        Http1Client.RedirectException loop = assertThrows(Http1Client.RedirectException.class,
                () -> send(client, "GET", jdkUrl("/loop"), Map.of(), null, true));
        assertEquals("more than 10 redirects (the last to /loop)", loop.getMessage());
    }

    @Test
    void aStaleKeptAliveConnectionIsRetriedOnceForAGetButNeverForAPost() throws Exception {
        // answers one request per connection with a length and no "Connection: close", then hangs up
        List<Integer> connections = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        connections.add(s.getPort());
                        InputStream in = s.getInputStream();
                        byte[] buf = new byte[4096];
                        int n = in.read(buf);
                        String req = new String(buf, 0, Math.max(0, n), StandardCharsets.ISO_8859_1);
                        s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n" + (req.startsWith("POST") ? "po" : "ok"))
                                .getBytes(StandardCharsets.ISO_8859_1));
                        s.getOutputStream().flush();
                        Thread.sleep(50);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            Http1Client client = new Http1Client(() -> null);
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/";
            assertEquals("ok", text(send(client, "GET", url, Map.of(), null, false)));
            Thread.sleep(200); // the server has hung up by now
            assertEquals("ok", text(send(client, "GET", url, Map.of(), null, false)));
            assertEquals(2, connections.size(), "the first connection, then the retry's: " + connections);
            Thread.sleep(200);
            assertThrows(IOException.class, () -> send(client, "POST", url, Map.of(), "x", false));
            Thread.sleep(100);
            assertEquals(2, connections.size(), "the POST was not sent again on a new connection: " + connections);
        }
    }

    @Test
    void aBodyWithoutLengthRunsToTheCloseAndBareLineFeedsAreRead() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write("HTTP/1.0 200 OK\nServer: old\n\nuntil the end".getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // the test fails on the client side
                }
            });
            Http1Connection.Response r = send(new Http1Client(() -> null), "GET", "http://127.0.0.1:" + server.getLocalPort() + "/", Map.of(), null, false);
            assertEquals(200, r.status());
            assertEquals("until the end", text(r));
            assertNull(r.location());
        }
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsSent() {
        IllegalArgumentException header = assertThrows(IllegalArgumentException.class,
                () -> Http1Client.Request.of("GET", URI.create(jdkUrl("/")), Map.of("X-A", "one\r\nX-B: two"), null));
        assertEquals("header X-A contains a line break", header.getMessage());
        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
                () -> Http1Client.Request.of("GET", URI.create("ftp://127.0.0.1/"), Map.of(), null));
        assertEquals("only http and https URLs can be requested, got ftp://127.0.0.1/", scheme.getMessage());
        assertTrue(seen.isEmpty());
    }

    // ---- nginx, plain and TLS

    private int plainPort;
    private int tlsPort;

    private SSLSocketFactory startNginx() throws Exception {
        String nginx = Requirements.nginx();
        TestCa ca = new TestCa("bots test CA");
        Path cert = tmp.resolve("leaf.pem");
        Path key = tmp.resolve("leaf.key");
        ca.issue(List.of("localhost", "127.0.0.1"), Duration.ofDays(1), cert, key);
        Path caCert = ca.writeCert(tmp.resolve("ca.pem"));
        plainPort = freePort();
        tlsPort = freePort();
        Path html = Files.createDirectories(tmp.resolve("html"));
        Files.writeString(html.resolve("small.txt"), "x".repeat(512));
        Files.createDirectories(tmp.resolve("logs"));
        nginxPid = tmp.resolve("nginx.pid");
        Files.writeString(tmp.resolve("nginx.conf"), """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 256; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  server {
                    listen 127.0.0.1:%2$d;
                    listen 127.0.0.1:%3$d ssl;
                    ssl_certificate %4$s;
                    ssl_certificate_key %5$s;
                    root %1$s/html;
                    location = /conn { add_header X-Conn $connection always; return 200 "$connection"; }
                    location = /chunked.txt { alias %1$s/html/small.txt; sub_filter 'x' 'y'; sub_filter_once off; sub_filter_types *; }
                    location = /moved { return 301 /small.txt; }
                    location = /to-plain { return 302 http://127.0.0.1:%2$d/small.txt; }
                  }
                }
                """.formatted(tmp, plainPort, tlsPort, cert, key));
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Proc.run(tmp, Map.of(), 30, List.of(nginx, "-p", tmp.toString(), "-c", tmp.resolve("nginx.conf").toString())).assertOk();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caCert)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void againstNginxPlainAndTls() throws Exception {
        SSLSocketFactory trusted = startNginx();
        Http1Client client = new Http1Client(() -> trusted);
        String plain = "http://127.0.0.1:" + plainPort;
        String tls = "https://localhost:" + tlsPort;

        // keep-alive: a thousand requests on one nginx connection
        List<String> conns = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            conns.add(text(send(client, "GET", plain + "/conn", Map.of(), null, false)));
        }
        assertEquals(1, conns.stream().distinct().count(), "nginx saw connections " + conns.stream().distinct().toList());

        assertEquals("x".repeat(512), text(send(client, "GET", plain + "/small.txt", Map.of(), null, false)));
        assertEquals("y".repeat(512), text(send(client, "GET", plain + "/chunked.txt", Map.of(), null, false)), "sub_filter answers in chunks");
        Http1Connection.Response head = send(client, "HEAD", plain + "/small.txt", Map.of(), null, false);
        assertEquals(200, head.status());
        assertArrayEquals(new byte[0], head.body());
        assertEquals(301, send(client, "GET", plain + "/moved", Map.of(), null, false).status());
        assertEquals("x".repeat(512), text(send(client, "GET", plain + "/moved", Map.of(), null, true)));

        // TLS: the same answers, the host name checked against the certificate, one connection kept
        List<String> tlsConns = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tlsConns.add(text(send(client, "GET", tls + "/conn", Map.of(), null, false)));
        }
        assertEquals(1, tlsConns.stream().distinct().count(), tlsConns.toString());
        assertEquals("y".repeat(512), text(send(client, "GET", tls + "/chunked.txt", Map.of(), null, false)));
        assertEquals("x".repeat(512), text(send(client, "GET", "https://127.0.0.1:" + tlsPort + "/moved", Map.of(), null, true)));
        Http1Client.RedirectException downgrade = assertThrows(Http1Client.RedirectException.class,
                () -> send(client, "GET", tls + "/to-plain", Map.of(), null, true));
        assertTrue(downgrade.getMessage().startsWith("refusing to follow a redirect from https to http"), downgrade.getMessage());

        // a client that does not trust the test CA refuses the server
        Http1Client untrusting = new Http1Client(() -> (SSLSocketFactory) SSLSocketFactory.getDefault());
        assertThrows(SSLException.class, () -> send(untrusting, "GET", tls + "/small.txt", Map.of(), null, false));
    }
}
