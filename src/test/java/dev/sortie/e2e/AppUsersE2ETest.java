package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.service.RunAs;
import dev.sortie.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code app_users: true}, each app's instances run as its own Unix user: a hostile app (its run command
 * probes first, then serves) cannot read the other app's config or releases, nor signal its processes. Real
 * users are made by Sortie and removed by {@code apps destroy}; the suite runs as root, as CI does.
 */
@Timeout(300)
class AppUsersE2ETest {

    static final String VICTIM = "victim";
    static final String HOSTILE = "hostile";

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;

    @BeforeAll
    static void twoApps() throws Exception {
        assertEquals("root", System.getProperty("user.name"), "app_users makes Unix users: run the suite as root (CI does)");
        sortie = new InstalledSortie(tmp);
        // the home's parents must be traversable by the apps' users, as /var/lib/sortie is
        for (Path p = tmp; p != null && !p.equals(Path.of("/tmp")); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(sortie.home.resolve("sortie.yml"), Files.readString(sortie.home.resolve("sortie.yml")) + "app_users: true\n");
        sortie.sortie("apps", "create", VICTIM).assertOk();
        sortie.sortie("apps", "create", HOSTILE).assertOk();
        sortie.sortie("config", "set", VICTIM, "SECRET=victim-only-4711").assertOk();
        Path victim = sortie.project(FaultsE2ETest.fixture("plain"), VICTIM, VICTIM);
        sortie.git(victim, "push", "-q", "production", "main").assertOk();

        Path hostile = sortie.project(FaultsE2ETest.fixture("plain"), HOSTILE, HOSTILE);
        Path apps = sortie.home.resolve("apps");
        Files.writeString(hostile.resolve("probe.sh"), """
                id -u
                if cat %1$s/victim/env >/dev/null 2>&1; then echo READ-VICTIM-ENV; else echo cannot-read-victim-env; fi
                if ls %1$s/victim/releases >/dev/null 2>&1; then echo LISTED-VICTIM-RELEASES; else echo cannot-list-victim-releases; fi
                echo "victim-pids=$(pgrep -u %2$s | wc -l)"
                signalled=no
                for pid in $(pgrep -u %2$s); do kill -0 "$pid" 2>/dev/null && signalled=yes; done
                if [ "$signalled" = yes ]; then echo SIGNALLED-VICTIM; else echo cannot-signal-victim; fi
                exec java Server.java
                """.formatted(apps, RunAs.userFor(VICTIM)));
        Files.writeString(hostile.resolve("sortie.yml"), Files.readString(hostile.resolve("sortie.yml"))
                .replace("run: [java, Server.java]", "run: [sh, probe.sh]"));
        sortie.commitAndPush(hostile, "hostile").assertOk();
    }

    @AfterAll
    static void destroy() throws Exception {
        if (sortie != null) {
            for (String app : List.of(VICTIM, HOSTILE)) {
                sortie.sortie("apps", "destroy", app, "--force");
            }
            sortie.close();
        }
    }

    @Test
    void anAppsInstanceCannotReachAnotherApp() throws Exception {
        Path log = sortie.home.resolve("apps/" + HOSTILE + "/logs");
        Await.until("the hostile app's probe ran", () -> logText(log).contains("cannot-signal-victim") && !logText(log).isEmpty()
                || logText(log).contains("SIGNALLED-VICTIM"));
        String out = logText(log);
        RunAs hostile = RunAs.lookup(RunAs.userFor(HOSTILE)).orElseThrow();
        RunAs victim = RunAs.lookup(RunAs.userFor(VICTIM)).orElseThrow();
        assertTrue(out.lines().anyMatch(l -> l.equals(Integer.toString(hostile.uid()))), "runs as its own user:\n" + out);
        assertTrue(out.lines().anyMatch(l -> l.equals("cannot-read-victim-env")), out);
        assertTrue(out.lines().anyMatch(l -> l.equals("cannot-list-victim-releases")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("victim-pids=[1-9][0-9]*")), "the victim's processes are there to try:\n" + out);
        assertTrue(out.lines().anyMatch(l -> l.equals("cannot-signal-victim")), out);

        Path env = sortie.home.resolve("apps/" + VICTIM + "/env");
        assertEquals(victim.uid(), (int) Files.getAttribute(env, "unix:uid"), "the victim's config is its user's");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
        sortie.sortie("config", "set", VICTIM, "OTHER=1").assertOk();
        assertEquals(victim.uid(), (int) Files.getAttribute(env, "unix:uid"), "a config change keeps the owner");
        assertEquals("200", last(sortie.curl("http://" + VICTIM + ".localhost:" + sortie.nginxPort + "/").output()));
        assertEquals("200", last(sortie.curl("http://" + HOSTILE + ".localhost:" + sortie.nginxPort + "/").output()));
    }

    static String last(String out) {
        List<String> lines = out.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    static String logText(Path logs) {
        try (var files = Files.list(logs)) {
            StringBuilder sb = new StringBuilder();
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                sb.append(Files.readString(f).lines().filter(l -> !l.startsWith("[sortie")).reduce("", (a, b) -> a + b + "\n"));
            }
            return sb.toString();
        } catch (IOException e) {
            return "";
        }
    }
}
