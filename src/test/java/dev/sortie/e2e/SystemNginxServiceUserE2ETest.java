package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.service.FreePort;
import dev.sortie.service.RunAs;
import dev.sortie.testing.Proc;
import dev.sortie.testing.SystemNginxFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nginx: {mode: system}} under the system install's daemon: the system nginx's master runs as root (the test starts
 * it, as systemd starts Debian's), its sites dir and config are root's, and Sortie's daemon runs as a service user of its own
 * with only sortie.service's capabilities, app_users on. A push goes live through that nginx (the daemon writes its site
 * into the root-owned dir and reloads the root master), and a person's {@code apps destroy}, without capabilities, has the
 * daemon take the site away. The suite runs as root, as CI does, to make the users.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemNginxServiceUserE2ETest {

    /** Not an app of AppUsersE2ETest: app users are machine-wide. */
    static final String APP = "sysng";
    static final String SERVICE_USER = "sortie-svc-ng";

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static SystemNginxFixture system;
    static Path project;
    static long master;

    @BeforeAll
    static void setUp() throws Exception {
        assertEquals("root", System.getProperty("user.name"), "the system nginx's master runs as root and app_users makes users: run as root");
        sortie = new InstalledSortie(tmp);
        for (Path p = tmp; p != null && !p.equals(Path.of("/tmp")); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(InstalledSortie.bin().getParent().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        system = new SystemNginxFixture(tmp.resolve("system"), FreePort.pick());
        master = system.masterPid();
        Files.writeString(sortie.home.resolve("sortie.yml"), system.serverConfigYaml() + "drain: 1s\nstop_timeout: 5s\napp_users: true\n");
        if (RunAs.lookup(SERVICE_USER).isEmpty()) {
            Proc.run(tmp, Map.of(), 60, List.of("useradd", "--system", "--user-group", "--no-create-home",
                    "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SERVICE_USER)).assertOk();
        }
        sortie.runAs(SERVICE_USER); // the home is the service user's; the system nginx's files stay root's
        sortie.startDaemon(AppUsersE2ETest.UNIT_CAPABILITIES).assertOk();
        sortie.sortie("apps", "create", APP).assertOk();
        project = sortie.project(FaultsE2ETest.fixture("plain"), APP, APP);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (sortie != null) {
                if (Files.exists(sortie.home.resolve("apps").resolve(APP))) {
                    sortie.sortie("apps", "destroy", APP, "--force");
                }
                sortie.close();
            }
        } finally {
            if (system != null) {
                system.close();
            }
        }
    }

    private static String get(String host) throws Exception {
        return Proc.run(tmp, Map.of(), 30, List.of("curl", "-sS", "--max-time", "10", "-H", "Host: " + host, "-w", "\n%{http_code}",
                "http://127.0.0.1:" + system.port + "/")).output();
    }

    @Test
    @Order(1)
    void aPushGoesLiveThroughTheRootMasterFromTheNonRootDaemon() throws Exception {
        assertEquals(0, (int) Files.getAttribute(system.sitesDir, "unix:uid"), "the sites dir is root's");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(system.sitesDir)));
        assertEquals("0", uidOf(master), "the system nginx master runs as root");
        String daemon = Files.readString(sortie.home.resolve("run/server.pid")).strip();
        assertEquals(Integer.toString(RunAs.lookup(SERVICE_USER).orElseThrow().uid()), uidOf(Long.parseLong(daemon)), "the daemon does not");

        Proc.Result push = sortie.git(project, "push", "production", "main");
        assertEquals(0, push.exit(), push.output());
        assertTrue(push.output().contains("is live at"), push.output() + "\nserver.log:\n" + AppUsersE2ETest.tail(sortie.home.resolve("run/server.log")));
        assertEquals("first release\n\n200", get(APP + ".localhost"));
        assertEquals(master, system.masterPid(), "the root master was reloaded, not restarted");
        assertEquals(List.of("default", "other.conf", "sortie-" + APP + ".conf", "sortie.conf"), system.sites());
        assertEquals(SystemNginxFixture.OTHER_BODY + "\n\n200", get("other.test"));
        system.assertForeignUntouched();

        Files.writeString(project.resolve("message.txt"), "second release\n");
        Proc.Result second = sortie.commitAndPush(project, "second");
        assertEquals(0, second.exit(), second.output());
        assertEquals("second release\n\n200", get(APP + ".localhost"), second.output());
        assertEquals(master, system.masterPid());
    }

    @Test
    @Order(2)
    void aPersonsDestroyWithoutCapabilitiesHasTheDaemonTakeTheSiteAway() throws Exception {
        Proc.Result destroy = sortie.sortie("apps", "destroy", APP, "--force");
        assertEquals(0, destroy.exit(), destroy.output());
        assertTrue(destroy.output().contains("Removed the nginx site of " + APP + "."), destroy.output());
        assertEquals(List.of("default", "other.conf", "sortie.conf"), system.sites());
        String answer = get(APP + ".localhost");
        for (int i = 0; i < 100 && !answer.equals(SystemNginxFixture.DEFAULT_BODY + "\n\n200"); i++) {
            Thread.sleep(50);
            answer = get(APP + ".localhost");
        }
        assertEquals(SystemNginxFixture.DEFAULT_BODY + "\n\n200", answer, "the system's catch-all answers again");
        assertEquals(master, system.masterPid());
        system.assertForeignUntouched();
    }

    private static String uidOf(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream().filter(l -> l.startsWith("Uid:"))
                .findFirst().orElseThrow().split("\\s+")[1];
    }
}
