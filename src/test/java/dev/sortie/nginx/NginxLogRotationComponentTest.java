package dev.sortie.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ServerConfig;
import dev.sortie.service.FreePort;
import dev.sortie.testing.Await;
import dev.sortie.testing.Requirements;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real managed nginx whose access.log passes its limit: renamed, reopened, and no request's line lost. */
@Timeout(60)
class NginxLogRotationComponentTest {

    static final long LIMIT = 4 * 1024;

    @TempDir
    Path home;
    ManagedNginx nginx;
    int port;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        // run as root, nginx's workers (nobody) reopen the logs themselves: they must reach the logs dir
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        port = FreePort.pick();
        nginx = new ManagedNginx(home, home.resolve("nginx"), new ServerConfig.Nginx("127.0.0.1", port, Requirements.nginx()));
        nginx.prepare();
        nginx.startOrReload();
        Await.until("nginx to answer", () -> {
            try {
                get("/warm-up");
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        nginx.stop(Duration.ofSeconds(10));
    }

    int get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    Path log(String name) {
        return nginx.prefix().resolve("logs").resolve(name);
    }

    long requestLines(Path... files) throws IOException {
        long n = 0;
        for (Path f : files) {
            if (Files.exists(f)) {
                n += Files.readAllLines(f).stream().filter(l -> l.contains("GET /r-")).count();
            }
        }
        return n;
    }

    @Test
    void anAccessLogPastItsLimitIsRenamedAndNginxWritesANewOneAfterReopen() throws Exception {
        NginxLogRotation rotation = new NginxLogRotation(nginx, LIMIT, 2);
        assertEquals(List.of(), rotation.rotateIfDue(), "nothing is due below the limit");
        int sent = 0;
        while (Files.size(log("access.log")) <= LIMIT) {
            assertEquals(404, get("/r-" + sent++));
        }

        assertEquals(List.of(log("access.log")), rotation.rotateIfDue());

        assertTrue(Files.exists(log("access.log.1")));
        Await.until("nginx to reopen access.log", () -> Files.exists(log("access.log")));
        for (int i = 0; i < 20; i++) {
            get("/r-" + sent++);
        }
        final int total = sent;
        Await.until("every request's line in access.log or access.log.1", () -> {
            try {
                return requestLines(log("access.log"), log("access.log.1")) == total;
            } catch (IOException e) {
                return false;
            }
        });
        assertEquals(20, requestLines(log("access.log")), "nginx reopened: the new requests are in a new access.log");
        assertTrue(Files.size(log("access.log")) < LIMIT);
        assertFalse(Files.exists(log("error.log.1")), "error.log was not due");
    }

    @Test
    void olderCopiesShiftAndTheOldestGoes() throws Exception {
        NginxLogRotation rotation = new NginxLogRotation(nginx, LIMIT, 2);
        for (int round = 0; round < 3; round++) {
            int sent = 0;
            while (Files.size(log("access.log")) <= LIMIT) {
                get("/r-" + round + "-" + sent++);
            }
            rotation.rotateIfDue();
            Await.until("nginx to reopen access.log", () -> Files.exists(log("access.log")));
        }
        assertTrue(Files.exists(log("access.log.1")));
        assertTrue(Files.exists(log("access.log.2")));
        assertFalse(Files.exists(log("access.log.3")), "keep 2: the third copy is gone");
        assertTrue(Files.readString(log("access.log.2")).contains("GET /r-1-"), "the second round's copy, shifted to .2");
    }
}
