package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.service.FreePort;
import dev.sortie.testing.Await;
import dev.sortie.testing.Proc;
import dev.sortie.testing.SystemNginxFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed sortie with {@code nginx: {mode: system, sites_dir: ...}}: real pushes deploy through a Debian nginx the test
 * started with an /etc/nginx-like root, never through a managed nginx of Sortie's own; a site nginx -t rejects fails the deploy
 * and the system nginx keeps serving; {@code apps destroy} and {@code server stop} leave the system nginx and its files alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemNginxE2ETest {

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static SystemNginxFixture system;
    static Path plain;
    static long master;

    @BeforeAll
    static void setUp() throws Exception {
        sortie = new InstalledSortie(tmp);
        system = new SystemNginxFixture(tmp.resolve("system"), FreePort.pick());
        master = system.masterPid();
        Files.writeString(sortie.home.resolve("sortie.yml"), system.serverConfigYaml() + "drain: 1s\nstop_timeout: 5s\n");
        sortie.sortie("apps", "create", "plain").assertOk();
        plain = sortie.project(Path.of("src/test/resources/fixtures/plain").toAbsolutePath(), "plain", "plain");
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (sortie != null) {
                sortie.close();
            }
        } finally {
            if (system != null) {
                system.close();
            }
        }
    }

    private static String url() throws Exception {
        String url = sortie.url("plain");
        assertEquals("http://plain.localhost:" + system.port + "/", url);
        return url;
    }

    /** What the system nginx answers for a Host (curl on 127.0.0.1 with that Host header): body and status. */
    private static String get(String host) throws Exception {
        return Proc.run(tmp, Map.of(), 30, List.of("curl", "-sS", "--max-time", "10", "-H", "Host: " + host, "-w", "\n%{http_code}",
                "http://127.0.0.1:" + system.port + "/")).output();
    }

    @Test
    @Order(1)
    void aPushGoesLiveThroughTheSystemNginx() throws Exception {
        Proc.Result push = sortie.git(plain, "push", "production", "main");
        assertEquals(0, push.exit(), push.output());
        assertTrue(push.output().contains("is live at"), push.output());
        assertEquals("first release\n\n200", sortie.curl(url()).output());
        assertEquals(SystemNginxFixture.OTHER_BODY + "\n\n200", get("other.test"), "the system's own site still answers");
        assertEquals(List.of("default", "other.conf", "sortie-plain.conf", "sortie.conf"), system.sites());
        assertFalse(Files.exists(sortie.home.resolve("nginx/nginx.pid")), "no managed nginx was started");
        assertFalse(Files.exists(sortie.home.resolve("nginx/sites")), "no managed sites dir");
        assertEquals(master, system.masterPid(), "the system nginx was reloaded, not restarted");
        system.assertForeignUntouched();
        Proc.Result status = sortie.sortie("server", "status");
        assertTrue(status.output().contains("nginx:  running, pid " + master), status.output());
        assertTrue(status.output().contains("sites in " + system.sitesDir), status.output());
    }

    @Test
    @Order(2)
    void aSecondPushSwitchesTheSite() throws Exception {
        Files.writeString(plain.resolve("message.txt"), "second release\n");
        Proc.Result push = sortie.commitAndPush(plain, "second");
        assertEquals(0, push.exit(), push.output());
        assertEquals("second release\n\n200", sortie.curl(url()).output());
        system.assertForeignUntouched();
    }

    @Test
    @Order(3)
    void aSiteTheSystemNginxRejectsFailsTheDeployAndTheSystemNginxKeepsServing() throws Exception {
        String original = Files.readString(plain.resolve("sortie.yml"));
        Files.writeString(plain.resolve("extra.conf"), "this_is_not_an_nginx_directive on;\n");
        Files.writeString(plain.resolve("sortie.yml"), original + "nginx:\n  include: extra.conf\n");
        Files.writeString(plain.resolve("message.txt"), "must never be served\n");
        Proc.Result push = sortie.commitAndPush(plain, "broken include");
        String out = push.output();
        assertTrue(out.contains("nginx -t rejected the new site"), out);
        assertTrue(out.contains("this_is_not_an_nginx_directive"), out);
        assertTrue(out.contains("deploy FAILED at configure_nginx"), out);
        assertEquals("second release\n\n200", sortie.curl(url()).output());
        assertEquals(SystemNginxFixture.DEFAULT_BODY + "\n\n200", get("nobody.test"));
        assertEquals(List.of("default", "other.conf", "sortie-plain.conf", "sortie.conf"), system.sites());
        assertFalse(Files.readString(system.sitesDir.resolve("sortie-plain.conf")).contains("extra.conf"), "the rejected site was taken back");
        assertEquals(0, system.nginx("-t", "-q", "-e", "stderr", "-c", system.config.toString()).exit(), "the system config is valid");
        system.assertForeignUntouched();
        Files.writeString(plain.resolve("sortie.yml"), original);
        Files.delete(plain.resolve("extra.conf"));
        sortie.git(plain, "add", "-A").assertOk();
        sortie.git(plain, "commit", "-q", "-m", "no include").assertOk();
    }

    @Test
    @Order(4)
    void destroyRemovesOnlySortiesSiteAndServerStopLeavesTheSystemNginxRunning() throws Exception {
        Proc.Result destroy = sortie.sortie("apps", "destroy", "plain", "--force");
        assertEquals(0, destroy.exit(), destroy.output());
        assertTrue(destroy.output().contains("Removed the nginx site of plain."), destroy.output());
        assertEquals(List.of("default", "other.conf", "sortie.conf"), system.sites());
        // destroy reloads without waiting for the old workers: within a moment the system's catch-all answers
        String answer = get("plain.localhost");
        for (int i = 0; i < 100 && !answer.equals(SystemNginxFixture.DEFAULT_BODY + "\n\n200"); i++) {
            Thread.sleep(50);
            answer = get("plain.localhost");
        }
        assertEquals(SystemNginxFixture.DEFAULT_BODY + "\n\n200", answer);
        system.assertForeignUntouched();

        Proc.Result stop = sortie.sortie("server", "stop");
        assertEquals(0, stop.exit(), stop.output());
        assertFalse(stop.output().contains("nginx"), stop.output());
        Thread.sleep(500);
        assertTrue(Await.alive(master), "sortie server stop must not stop the system nginx");
        assertEquals(SystemNginxFixture.OTHER_BODY + "\n\n200", get("other.test"));
        system.assertForeignUntouched();
    }
}
