package dev.sortie.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sortie.config.ConfigException;
import dev.sortie.config.ServerConfig;
import dev.sortie.service.FreePort;
import dev.sortie.testing.Requirements;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real nginx on loopback switching an app's site between two real upstreams. */
@Timeout(60)
class SiteSwitchComponentTest {

    private static final String RELEASE_A = "20261121-120000-aaaaaaa";
    private static final String RELEASE_B = "20261121-130000-bbbbbbb";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long the upstreams take to answer {@code /slow}. */
    private static final Duration SLOW = Duration.ofSeconds(3);

    @TempDir
    static Path home;

    private static ManagedNginx nginx;
    private static SiteSwitch sites;
    private static HttpServer upstreamA;
    private static HttpServer upstreamB;

    /** What nginx answered to one request. */
    record Answer(int status, Map<String, String> headers, String body) {
        String release() {
            return headers.get("x-sortie-release");
        }
    }

    @BeforeAll
    static void startUpstreamsAndConfigureNginx() throws IOException {
        String binary = Requirements.nginx();
        upstreamA = upstream("A");
        upstreamB = upstream("B");
        nginx = new ManagedNginx(home, home.resolve("nginx"), new ServerConfig.Nginx("127.0.0.1", FreePort.pick(), binary));
        sites = new SiteSwitch(nginx);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (nginx != null) {
                nginx.stop(Duration.ofSeconds(10));
                assertEquals(Optional.empty(), nginx.masterPid(), "nginx master still running after stop");
            }
        } finally {
            for (HttpServer s : new HttpServer[] {upstreamA, upstreamB}) {
                if (s != null) {
                    s.stop(0);
                }
            }
        }
    }

    /** Answers its body to every path; {@code /slow} after {@link #SLOW}. Requests run in parallel. */
    private static HttpServer upstream(String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/slow")) {
                try {
                    Thread.sleep(SLOW);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    /** A raw HTTP/1.1 request through nginx, so the Host header is exactly ours. */
    private static Answer get(String host) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", nginx.port()), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int split = raw.indexOf("\r\n\r\n");
            String[] head = raw.substring(0, split).split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
            }
            return new Answer(Integer.parseInt(head[0].split(" ")[1]), headers, raw.substring(split + 4));
        }
    }

    /** Once switchTo has returned, no request may reach the site nginx had before: ask several times, right away. */
    private static void assertEveryAnswer(String host, String body, String release) throws IOException {
        for (int i = 0; i < 10; i++) {
            Answer answer = get(host);
            assertEquals(new Answer(200, answer.headers(), body), answer, "request " + (i + 1));
            assertEquals(release, answer.release(), "request " + (i + 1));
        }
    }

    /** Polls through nginx until an answer matches; a reload takes effect a moment after the signal. */
    private static Answer awaitAnswer(String host, Predicate<Answer> expected) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Answer last = get(host);
        while (!expected.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nginx kept answering " + last);
            }
            Thread.sleep(50);
            last = get(host);
        }
        return last;
    }

    @Test
    void switchesBetweenReleasesAndBack() throws Exception {
        String host = "app.localhost";
        int portA = upstreamA.getAddress().getPort();
        int portB = upstreamB.getAddress().getPort();

        Optional<String> first = sites.switchTo("app", RELEASE_A, List.of(host), portA, "/", TIMEOUT);

        assertEquals(Optional.empty(), first, "nothing was there before the first deploy");
        assertTrue(nginx.masterPid().isPresent());
        String siteA = Files.readString(sites.siteFile("app"));
        assertEquals(sites.render("app", RELEASE_A, List.of(host), portA), siteA);
        assertEveryAnswer(host, "A", RELEASE_A);

        Optional<String> previous = sites.switchTo("app", RELEASE_B, List.of(host), portB, "/", TIMEOUT);

        assertEquals(Optional.of(siteA), previous);
        assertEveryAnswer(host, "B", RELEASE_B);

        sites.restore("app", previous);

        Answer back = awaitAnswer(host, x -> "A".equals(x.body()));
        assertEquals(RELEASE_A, back.release());
        assertEquals(siteA, Files.readString(sites.siteFile("app")));

        // Other host names still reach nginx's default server, not the app.
        Answer other = get("unknown.localhost");
        assertEquals(404, other.status());
        assertTrue(other.body().contains("No Sortie app answers to this host name"), other.body());
        assertFalse(other.headers().containsKey("x-sortie-release"));

        sites.restore("app", Optional.empty());
        assertFalse(Files.exists(sites.siteFile("app")));
        awaitAnswer(host, x -> x.status() == 404);
    }

    @Test
    void aConfigThatFailsNginxTestLeavesThePreviousSiteInPlace() throws Exception {
        String host = "shop.localhost";
        int portA = upstreamA.getAddress().getPort();
        int portB = upstreamB.getAddress().getPort();
        sites.switchTo("shop", RELEASE_A, List.of(host), portA, "/", TIMEOUT);
        String before = Files.readString(sites.siteFile("shop"));
        Path broken = nginx.sitesDir().resolve("broken.conf");
        Files.writeString(broken, "this is not nginx config\n");
        try {
            var e = assertThrows(SiteSwitch.SwitchFailed.class,
                    () -> sites.switchTo("shop", RELEASE_B, List.of(host), portB, "/", TIMEOUT));
            assertTrue(e.getMessage().contains("nginx -t"), e.getMessage());
            assertTrue(e.getMessage().contains("broken.conf"), "nginx's complaint should name the file: " + e.getMessage());
            assertEquals(before, Files.readString(sites.siteFile("shop")));

            // A first deploy that fails leaves no site at all.
            assertThrows(SiteSwitch.SwitchFailed.class,
                    () -> sites.switchTo("fresh", RELEASE_B, List.of("fresh.localhost"), portB, "/", TIMEOUT));
            assertFalse(Files.exists(sites.siteFile("fresh")));
        } finally {
            Files.deleteIfExists(broken);
        }
        assertEquals(Optional.empty(), nginx.test());
        assertEveryAnswer(host, "A", RELEASE_A);
        sites.restore("shop", Optional.empty());
    }

    @Test
    void aHostileDomainIsRefusedBeforeAnythingIsWritten(@TempDir Path otherHome) {
        var untouched = new ManagedNginx(otherHome, otherHome.resolve("nginx"), new ServerConfig.Nginx("127.0.0.1", 1, Requirements.nginx()));
        var switcher = new SiteSwitch(untouched);

        RuntimeException e = assertThrows(RuntimeException.class,
                () -> switcher.switchTo("evil", RELEASE_A, List.of("x; include /etc/passwd"), 1, "/", TIMEOUT));

        assertTrue(e instanceof IllegalArgumentException || e instanceof ConfigException, e.toString());
        assertTrue(e.getMessage().contains("x; include /etc/passwd"), e.getMessage());
        assertFalse(Files.exists(otherHome.resolve("nginx")), "something was written for a refused domain");
    }

    /** What the 500ms settle window used to make likely, now certain: no fresh connection after switchTo reaches the old site. */
    private static void assertFreshConnections(String host, String body, String release, String when) throws IOException {
        for (int i = 0; i < 200; i++) {
            Answer answer = get(host);
            assertEquals(200, answer.status(), when + ", connection " + (i + 1));
            assertEquals(release, answer.release(), when + ", connection " + (i + 1));
            assertEquals(body, answer.body(), when + ", connection " + (i + 1));
        }
    }

    @Test
    void everyFreshConnectionRightAfterASwitchSeesTheNewRelease() throws Exception {
        String host = "flip.localhost";
        String[][] steps = {{RELEASE_A, "A"}, {RELEASE_B, "B"}, {RELEASE_A, "A"}, {RELEASE_B, "B"}};
        for (int round = 1; round <= 5; round++) {
            for (String[] step : steps) {
                HttpServer upstream = step[1].equals("A") ? upstreamA : upstreamB;
                sites.switchTo("flip", step[0], List.of(host), upstream.getAddress().getPort(), "/", TIMEOUT);
                assertFreshConnections(host, step[1], step[0], "round " + round + " after the switch to " + step[1]);
            }
        }
        sites.restoreAndConfirm("flip", Optional.empty(), Optional.empty(), host, "/", TIMEOUT);
    }

    /** One keep-alive connection through nginx: requests one after another, each answer read by its Content-Length. */
    private static final class KeepAlive implements AutoCloseable {
        private final Socket socket = new Socket();
        private final InputStream in;

        KeepAlive() throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", nginx.port()), 2000);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
        }

        void send(String host, String path) throws IOException {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }

        Answer read() throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed after " + head);
                }
                head.append((char) b);
            }
            String[] lines = head.toString().strip().split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void oldWorkersBusyWithKeepAliveRequestsDoNotHoldTheSwitchBack() throws Exception {
        String host = "busy.localhost";
        sites.switchTo("busy", RELEASE_A, List.of(host), upstreamA.getAddress().getPort(), "/", TIMEOUT);
        try (KeepAlive busy = new KeepAlive(); KeepAlive idle = new KeepAlive()) {
            busy.send(host, "/");
            assertEquals(RELEASE_A, busy.read().release());
            idle.send(host, "/");
            assertEquals(RELEASE_A, idle.read().release());
            busy.send(host, "/slow");
            Thread.sleep(100); // the slow request is in the old worker's hands

            long start = System.nanoTime();
            sites.switchTo("busy", RELEASE_B, List.of(host), upstreamB.getAddress().getPort(), "/", TIMEOUT);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertTrue(took.compareTo(SLOW.minusMillis(500)) < 0, "switchTo waited for the old worker's request: " + took);
            long master = nginx.masterPid().orElseThrow();
            assertTrue(ProcessHandle.of(master).orElseThrow().children()
                    .anyMatch(w -> NginxWorkers.role(w.pid()) == NginxWorkers.Role.SHUTTING_DOWN),
                    "the old worker should still be finishing the slow request");
            assertFreshConnections(host, "B", RELEASE_B, "while the old worker finishes a request");

            Answer slow = busy.read();
            assertEquals(new Answer(200, slow.headers(), "A"), slow, "the in-flight request finishes on the old site");
            assertEquals(RELEASE_A, slow.release());
        }
        sites.restoreAndConfirm("busy", Optional.empty(), Optional.empty(), host, "/", TIMEOUT);
    }

    @Test
    void restoreAndConfirmPutsThePreviousReleaseBackBeforeItReturns() throws Exception {
        String host = "back.localhost";
        assertEquals(Optional.empty(), sites.servedRelease("back"));
        sites.switchTo("back", RELEASE_A, List.of(host), upstreamA.getAddress().getPort(), "/", TIMEOUT);
        assertEquals(Optional.of(RELEASE_A), sites.servedRelease("back"));
        Optional<String> previous = sites.switchTo("back", RELEASE_B, List.of(host), upstreamB.getAddress().getPort(), "/", TIMEOUT);
        assertEquals(Optional.of(RELEASE_B), sites.servedRelease("back"));
        assertEquals(Optional.of(RELEASE_A), SiteSwitch.releaseNamed("back", previous.orElseThrow()));

        sites.restoreAndConfirm("back", previous, SiteSwitch.releaseNamed("back", previous.get()), host, "/", TIMEOUT);

        assertEquals(Optional.of(RELEASE_A), sites.servedRelease("back"));
        assertEquals(previous.get(), Files.readString(sites.siteFile("back")));
        assertFreshConnections(host, "A", RELEASE_A, "after restoreAndConfirm");

        // A release the restored site does not serve is reported with what nginx answered instead.
        var e = assertThrows(SiteSwitch.SwitchFailed.class, () -> sites.restoreAndConfirm("back", previous,
                Optional.of("20261121-140000-ccccccc"), host, "/", Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("still answers back.localhost from " + RELEASE_A), e.getMessage());
        assertTrue(e.getMessage().contains("expected release 20261121-140000-ccccccc"), e.getMessage());

        // Back to before the first deploy: no site, and nginx's default server answers right away.
        sites.restoreAndConfirm("back", Optional.empty(), Optional.empty(), host, "/", TIMEOUT);

        assertFalse(Files.exists(sites.siteFile("back")));
        assertEquals(Optional.empty(), sites.servedRelease("back"));
        for (int i = 0; i < 50; i++) {
            Answer answer = get(host);
            assertEquals(404, answer.status(), "connection " + (i + 1));
            assertFalse(answer.headers().containsKey("x-sortie-release"), "connection " + (i + 1));
        }
    }

    /** Redirects the way an app that builds absolute URLs does: from the Host header it was sent. */
    private static HttpServer redirectingUpstream() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            var h = exchange.getRequestHeaders();
            exchange.getResponseHeaders().set("Location", "http://" + h.getFirst("Host") + "/owners/12");
            exchange.getResponseHeaders().set("X-Seen", h.getFirst("X-Forwarded-Host") + " " + h.getFirst("X-Forwarded-Port") + " "
                    + h.getFirst("X-Forwarded-Proto") + " " + h.getFirst("X-Forwarded-For"));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void anAppsRedirectKeepsThePortNginxListensOn() throws Exception {
        HttpServer app = redirectingUpstream();
        try {
            String host = "petclinic.localhost";
            sites.switchTo("redirects", RELEASE_A, List.of(host), List.of(app.getAddress().getPort()), SiteOptions.NONE, "/", TIMEOUT);

            Answer answer = get(host + ":" + nginx.port());

            assertEquals(302, answer.status());
            assertEquals("http://" + host + ":" + nginx.port() + "/owners/12", answer.headers().get("location"));
            assertEquals(host + " " + nginx.port() + " http 127.0.0.1", answer.headers().get("x-seen"));
        } finally {
            sites.restoreAndConfirm("redirects", Optional.empty(), Optional.empty(), "petclinic.localhost", "/", TIMEOUT);
            app.stop(0);
        }
    }

    @Test
    void aRequestThatFindsAnInstanceDeadIsAnsweredByAnother() throws Exception {
        String host = "scaled.localhost";
        int dead = FreePort.pick(); // nothing listens: every connect is refused, as to an instance that just crashed
        int alive = upstreamA.getAddress().getPort();
        for (List<Integer> ports : List.of(List.of(dead, alive), List.of(alive, dead))) {
            sites.switchTo("scaled", RELEASE_A, List.of(host), ports, SiteOptions.NONE, "/", TIMEOUT);
            for (int i = 0; i < 20; i++) {
                Answer answer = get(host);
                assertEquals(new Answer(200, answer.headers(), "A"), answer, ports + ", request " + (i + 1));
            }
        }
        // The same site with one port: nginx has nowhere else to go.
        sites.switchTo("scaled", RELEASE_A, List.of(host), List.of(alive), SiteOptions.NONE, "/", TIMEOUT);
        String oneDead = sites.render("scaled", RELEASE_A, List.of(host), List.of(dead), SiteOptions.NONE);
        Files.writeString(sites.siteFile("scaled"), oneDead);
        nginx.startOrReload();
        awaitAnswer(host, x -> x.status() == 502);
        sites.restoreAndConfirm("scaled", Optional.empty(), Optional.empty(), host, "/", TIMEOUT);
    }

    @Test
    void theAppsOptionsReachNginxAndABrokenIncludeFailsTheSwitch(@TempDir Path release) throws Exception {
        String host = "opts.localhost";
        Path include = Files.writeString(release.resolve("extra.conf"), "add_header X-Extra yes always;\n");
        var options = new SiteOptions(Optional.of("1k"), Optional.of(Duration.ofMillis(1500)), Optional.of(Duration.ofSeconds(20)),
                Optional.empty(), Optional.of(include.toRealPath()));
        sites.switchTo("opts", RELEASE_A, List.of(host), List.of(upstreamA.getAddress().getPort()), options, "/", TIMEOUT);
        assertEquals("yes", get(host).headers().get("x-extra"));
        assertEquals(413, post(host, 4096), "client_max_body_size 1k");
        String siteA = Files.readString(sites.siteFile("opts"));

        Files.writeString(include, "add_header X-Extra;\n");
        var e = assertThrows(SiteSwitch.SwitchFailed.class, () -> sites.switchTo("opts", RELEASE_B, List.of(host),
                List.of(upstreamB.getAddress().getPort()), options, "/", TIMEOUT));

        assertTrue(e.getMessage().startsWith("nginx -t rejected the new site (previous site restored):"), e.getMessage());
        assertTrue(e.getMessage().contains("invalid number of arguments in \"add_header\" directive in " + include.toRealPath()),
                e.getMessage());
        assertEquals(siteA, Files.readString(sites.siteFile("opts")));
        assertEveryAnswer(host, "A", RELEASE_A);
        sites.restoreAndConfirm("opts", Optional.empty(), Optional.empty(), host, "/", TIMEOUT);
    }

    /** POSTs a body of {@code bytes} through nginx; returns the status. */
    private static int post(String host, int bytes) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", nginx.port()), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + bytes
                    + "\r\nConnection: close\r\n\r\n" + "x".repeat(bytes)).getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).split("\r\n")[0];
            return Integer.parseInt(status.split(" ")[1]);
        }
    }
}
