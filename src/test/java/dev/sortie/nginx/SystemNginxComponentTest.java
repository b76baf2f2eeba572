package dev.sortie.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sortie.config.ServerConfig;
import dev.sortie.exec.CommandFailedException;
import dev.sortie.service.FreePort;
import dev.sortie.testing.SystemNginxFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx mode system against a real Debian nginx the test starts with its own /etc/nginx-like root: Sortie's sites go into
 * sites-enabled as sortie-APP.conf, the system's nginx -t checks them and its master reloads, a site nginx -t rejects is taken
 * back while the system nginx keeps serving, and the system's own files stay byte for byte as they were, mtime included.
 */
@Timeout(60)
class SystemNginxComponentTest {

    private static final String RELEASE_A = "20261121-120000-aaaaaaa";
    private static final String RELEASE_B = "20261121-130000-bbbbbbb";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private SystemNginxFixture system;
    private HttpServer upstreamA;
    private HttpServer upstreamB;
    private Path home;

    @BeforeEach
    void start() throws Exception {
        system = new SystemNginxFixture(dir.resolve("system"), FreePort.pick());
        upstreamA = upstream("A");
        upstreamB = upstream("B");
        home = Files.createDirectories(dir.resolve("home"));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            system.close();
        } finally {
            upstreamA.stop(0);
            upstreamB.stop(0);
        }
    }

    private SystemNginx nginx(String pidFile) {
        return new SystemNginx(home, new ServerConfig.Nginx("127.0.0.1", system.port, system.binary, "system", system.sitesDir.toString(),
                8443, system.config.toString(), pidFile));
    }

    private static HttpServer upstream(String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    /** The body the system nginx answers for a Host. */
    private String get(String host) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", system.port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return raw.substring(raw.indexOf("\r\n\r\n") + 4).strip();
        }
    }

    @Test
    void deploysSwitchesAndRemovesOnlySortiesFilesThroughTheSystemNginx() throws Exception {
        SystemNginx nginx = nginx(null);
        assertEquals(system.pidFile, nginx.pidFile(), "the pid file from nginx -T");
        assertEquals(Optional.of(system.masterPid()), nginx.masterPid());
        SiteSwitch sites = new SiteSwitch(nginx);
        long master = system.masterPid();

        assertEquals(Optional.empty(), sites.switchTo("shop", RELEASE_A, List.of("shop.test"), upstreamA.getAddress().getPort(), "/",
                TIMEOUT));
        assertEquals("A", get("shop.test"));
        assertEquals(SystemNginxFixture.DEFAULT_BODY, get("nobody.test"), "the system's catch-all still answers other hosts");
        assertEquals(SystemNginxFixture.OTHER_BODY, get("other.test"));
        assertEquals(List.of("default", "other.conf", "sortie-shop.conf", "sortie.conf"), system.sites());
        assertEquals(master, system.masterPid(), "reloaded, not restarted");
        system.assertForeignUntouched();

        Optional<String> previous = sites.switchTo("shop", RELEASE_B, List.of("shop.test"), upstreamB.getAddress().getPort(), "/",
                TIMEOUT);
        assertEquals(Optional.of(RELEASE_A), previous.flatMap(text -> SiteSwitch.releaseNamed("shop", text)));
        assertEquals("B", get("shop.test"));
        assertEquals(Optional.of(RELEASE_B), sites.servedRelease("shop"));
        system.assertForeignUntouched();

        // a site the system's nginx -t rejects: taken back, and the system nginx goes on serving B and its own sites
        Files.createDirectories(nginx.templatesDir());
        Files.writeString(nginx.templatesDir().resolve(SiteSwitch.SITE_TEMPLATE), Template.bundled(SiteSwitch.SITE_TEMPLATE).text()
                .replace("keepalive 16;", "keepalive 16;\n    sortie_no_such_directive on;"));
        var rejected = assertThrows(SiteSwitch.SwitchFailed.class, () -> sites.switchTo("shop", "20261121-140000-ccccccc",
                List.of("shop.test"), upstreamA.getAddress().getPort(), "/", TIMEOUT));
        assertTrue(rejected.getMessage().contains("nginx -t rejected the new site (previous site restored)"), rejected.getMessage());
        assertTrue(rejected.getMessage().contains("sortie_no_such_directive"), rejected.getMessage());
        Files.delete(nginx.templatesDir().resolve(SiteSwitch.SITE_TEMPLATE));
        assertEquals(Optional.of(RELEASE_B), sites.servedRelease("shop"));
        assertEquals("B", get("shop.test"));
        assertEquals(SystemNginxFixture.OTHER_BODY, get("other.test"));
        assertEquals(List.of("default", "other.conf", "sortie-shop.conf", "sortie.conf"), system.sites(), "no temp file left behind");
        system.assertForeignUntouched();
        assertEquals(Optional.empty(), nginx.test());

        // the site removed: only Sortie's file goes, and the catch-all answers for the app's host
        sites.restoreAndConfirm("shop", Optional.empty(), Optional.empty(), "shop.test", "/", TIMEOUT);
        assertFalse(Files.exists(sites.siteFile("shop")));
        assertEquals(SystemNginxFixture.DEFAULT_BODY, get("shop.test"));
        assertEquals(List.of("default", "other.conf", "sortie.conf"), system.sites());
        assertEquals(master, system.masterPid());
        system.assertForeignUntouched();
    }

    @Test
    void aSystemNginxThatDoesNotRunIsNotStartedAndTheSiteIsTakenBack() throws Exception {
        SystemNginx nginx = nginx(dir.resolve("no-such.pid").toString());
        assertFalse(nginx.isRunning());
        var failed = assertThrows(SiteSwitch.SwitchFailed.class, () -> new SiteSwitch(nginx).switchTo("shop", RELEASE_A,
                List.of("shop.test"), upstreamA.getAddress().getPort(), "/", TIMEOUT));
        assertTrue(failed.getMessage().contains("the system nginx is not running"), failed.getMessage());
        assertEquals(List.of("default", "other.conf", "sortie.conf"), system.sites());
        assertEquals(SystemNginxFixture.DEFAULT_BODY, get("shop.test"));
        assertThrows(CommandFailedException.class, nginx::startOrReload);
        system.assertForeignUntouched();
    }

    @Test
    void aSitesDirThatIsNotThereIsNotCreated() {
        SystemNginx nginx = new SystemNginx(home, new ServerConfig.Nginx("127.0.0.1", system.port, system.binary, "system",
                dir.resolve("etc/nginx/sites-enabled").toString(), 8443));
        IOException e = assertThrows(IOException.class, nginx::prepare);
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("etc")));
    }
}
