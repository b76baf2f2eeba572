package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.service.RunAs;
import dev.sortie.testing.Await;
import dev.sortie.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code app_users: true}, each app's instances run as its own Unix user: a hostile app (its run command
 * probes first, then serves) cannot read the other app's config or releases, nor signal its processes. Real
 * users are made by Sortie and removed by {@code apps destroy}. As in the system install, the daemon runs as a
 * service user of its own with only the capabilities sortie.service grants it, and every command (apps create,
 * config set, git push, apps destroy) runs as that user without them, as a person runs them with
 * {@code sudo -u sortie} or over SSH. The suite runs as root, as CI does, to make the users.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppUsersE2ETest {

    static final String VICTIM = "victim";
    static final String HOSTILE = "hostile";
    /** The daemon's user, as sortie is the system install's. */
    static final String SERVICE_USER = "sortie-svc-it";
    /** What templates/sortie.service grants the daemon (AmbientCapabilities). */
    static final List<String> UNIT_CAPABILITIES = List.of("net_bind_service", "chown", "dac_override", "fowner", "kill", "setgid", "setuid");

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static Proc.Result hostilePush;
    static Proc.Result victimPush;
    static Path victimProject;
    /** The daemon as sortie.service runs it (after the reboot below), when a test started it so. */
    static Process unitDaemon;

    /** A hook that tries what the auditor did: another app's config, its processes, the daemon's sockets. */
    static final String HOSTILE_HOOKS = """
            import dev.sortie.hooks.DeployEnv;
            import java.net.StandardProtocolFamily;
            import java.net.UnixDomainSocketAddress;
            import java.nio.ByteBuffer;
            import java.nio.channels.SocketChannel;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.Files;
            import java.nio.file.Path;

            public class UpgradeHooks {
                public void before_upgrade_service(DeployEnv env) throws Exception {
                    String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:")).findFirst().orElse("");
                    env.log("hook-uid " + uid.split("\\\\s+")[1]);
                    try {
                        Files.readString(Path.of("APPS/victim/env"));
                        env.log("HOOK-READ-VICTIM-ENV");
                    } catch (Exception e) {
                        env.log("hook-cannot-read-victim-env");
                    }
                    long[] victims = ProcessHandle.allProcesses().filter(p -> p.info().user().orElse("").equals("VICTIM_USER"))
                            .mapToLong(ProcessHandle::pid).toArray();
                    boolean signalled = false;
                    for (long pid : victims) {
                        signalled |= ProcessHandle.of(pid).map(ProcessHandle::destroy).orElse(false);
                    }
                    env.log(victims.length == 0 ? "hook-saw-no-victim" : signalled ? "HOOK-SIGNALLED-VICTIM" : "hook-cannot-signal-victim");
                    env.log("hook-daemon-socket " + ask("DAEMON_SOCKET", "{\\"op\\":\\"list\\"}"));
                    env.log("hook-app-socket-stop " + ask("APP_SOCKET", "{\\"op\\":\\"stop\\",\\"app\\":\\"victim\\",\\"release\\":\\"x\\"}"));
                    env.log("hook-app-socket-list " + ask("APP_SOCKET", "{\\"op\\":\\"list\\"}"));
                }

                static String ask(String socket, String request) {
                    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        ch.connect(UnixDomainSocketAddress.of(socket));
                        ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
                        ch.shutdownOutput();
                        return new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(),
                                StandardCharsets.UTF_8).replace('\\n', ' ');
                    } catch (Exception e) {
                        return "unreachable (" + e.getClass().getSimpleName() + ")";
                    }
                }
            }
            """;

    @BeforeAll
    static void twoApps() throws Exception {
        assertEquals("root", System.getProperty("user.name"), "app_users makes Unix users: run the suite as root (CI does)");
        sortie = new InstalledSortie(tmp);
        // the home's parents must be traversable by the apps' users, as /var/lib/sortie is
        for (Path p = tmp; p != null && !p.equals(Path.of("/tmp")); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        // the install is in a 0700 temp dir: the apps' users run its JVM too (their deploy workers), as from /usr/local
        Files.setPosixFilePermissions(InstalledSortie.bin().getParent().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(sortie.home.resolve("sortie.yml"), Files.readString(sortie.home.resolve("sortie.yml")) + "app_users: true\n");
        if (RunAs.lookup(SERVICE_USER).isEmpty()) {
            Proc.run(tmp, java.util.Map.of(), 60, List.of("useradd", "--system", "--user-group", "--no-create-home",
                    "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SERVICE_USER)).assertOk();
        }
        sortie.runAs(SERVICE_USER);
        sortie.startDaemon(UNIT_CAPABILITIES).assertOk();
        sortie.sortie("apps", "create", VICTIM).assertOk();
        sortie.sortie("apps", "create", HOSTILE).assertOk();
        sortie.sortie("config", "set", VICTIM, "SECRET=victim-only-4711").assertOk();
        Path victim = sortie.project(FaultsE2ETest.fixture("plain"), VICTIM, VICTIM);
        victimProject = victim;
        victimPush = sortie.git(victim, "push", "-q", "production", "main").assertOk();
        assertTrue(victimPush.output().contains("is live at"), "the victim went live:\n" + victimPush.output() + "\nworkers.log:\n"
                + tail(sortie.home.resolve("run/workers.log")) + "\nserver.log:\n" + tail(sortie.home.resolve("run/server.log")));

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
        Files.writeString(hostile.resolve("UpgradeHooks.java"), HOSTILE_HOOKS
                .replace("APPS", apps.toString())
                .replace("VICTIM_USER", RunAs.userFor(VICTIM))
                .replace("DAEMON_SOCKET", sortie.home.resolve("run/sortie.sock").toString())
                .replace("APP_SOCKET", sortie.home.resolve("app-run/sortie.sock").toString()));
        hostilePush = sortie.commitAndPush(hostile, "hostile");
        hostilePush.assertOk();
    }

    @AfterAll
    static void destroy() throws Exception {
        if (sortie != null) {
            try {
                // as the service user without capabilities: the daemon deletes what the apps' users own, and the users
                for (String app : List.of(VICTIM, HOSTILE)) {
                    sortie.sortie("apps", "destroy", app, "--force").assertOk();
                    assertTrue(RunAs.lookup(RunAs.userFor(app)).isEmpty(), "apps destroy removes the user of " + app);
                    assertTrue(Proc.run(tmp, java.util.Map.of(), 30, List.of("getent", "group", RunAs.userFor(app))).exit() != 0,
                            "and its group");
                    assertTrue(!Files.exists(sortie.home.resolve("apps").resolve(app)), "and its files");
                }
            } finally {
                sortie.close();
                if (unitDaemon != null) {
                    unitDaemon.destroyForcibly();
                }
            }
        }
    }

    @Test
    void anAppsHooksRunAsItsUserAndCannotReachAnotherApp() throws Exception {
        String out = hostilePush.output();
        RunAs hostile = RunAs.lookup(RunAs.userFor(HOSTILE)).orElseThrow();
        assertTrue(out.contains("hook-uid " + hostile.uid()), "the hook runs as the app's user:\n" + out);
        assertTrue(out.contains("hook-cannot-read-victim-env"), out);
        assertTrue(out.contains("hook-cannot-signal-victim"), "the victim's processes are there and cannot be signalled:\n" + out);
        assertTrue(out.contains("hook-daemon-socket unreachable"), "the daemon's own socket is out of reach:\n" + out);
        assertTrue(out.contains("hook-app-socket-stop {\"ok\":false") && out.contains("may not stop anything of victim"),
                "the app socket refuses to act on another app:\n" + out);
        assertTrue(out.contains("hook-app-socket-list {\"ok\":true") && !out.lines().filter(l -> l.contains("hook-app-socket-list"))
                .findFirst().orElse("").contains("\"app\":\"victim\""), "it lists its own app's instances only:\n" + out);
        assertTrue(out.contains("nginx reloaded by the sortie server"), "its site was switched by the daemon:\n" + out);
        assertEquals("200", last(sortie.curl("http://" + VICTIM + ".localhost:" + sortie.nginxPort + "/").output()), "the victim still serves");
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
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)), "the daemon's group reads it, others not");
        assertEquals(RunAs.lookup(SERVICE_USER).orElseThrow().gid(), (int) Files.getAttribute(env, "unix:gid"));
        sortie.sortie("config", "set", VICTIM, "OTHER=1").assertOk(); // as the service user, without capabilities
        assertEquals(victim.uid(), (int) Files.getAttribute(env, "unix:uid"), "a config change keeps the owner");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
        assertTrue(sortie.sortie("config", "get", VICTIM, "OTHER").assertOk().output().contains("1"), "the service user reads the config");
        assertTrue(sortie.sortie("logs", VICTIM).assertOk().output().length() > 0, "and the logs");
        sortie.sortie("apps", "set", VICTIM, "keep_releases=4").assertOk(); // takes the deploy lock the app's user made
        assertTrue(sortie.sortie("releases", VICTIM).assertOk().output().contains("live"), "and lists its releases");
        assertEquals("200", last(sortie.curl("http://" + VICTIM + ".localhost:" + sortie.nginxPort + "/").output()));
        assertEquals("200", last(sortie.curl("http://" + HOSTILE + ".localhost:" + sortie.nginxPort + "/").output()));
    }

    @Test
    void theDaemonRunsAsItsServiceUserWithTheUnitsCapabilitiesOnly() throws Exception {
        String pid = Files.readString(sortie.home.resolve("run/server.pid")).strip();
        List<String> status = Files.readAllLines(Path.of("/proc", pid, "status"));
        RunAs service = RunAs.lookup(SERVICE_USER).orElseThrow();
        String uid = status.stream().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        assertEquals(Integer.toString(service.uid()), uid.split("\\s+")[1], "not root: " + uid);
        String eff = status.stream().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow();
        assertEquals(0x4ebL, Long.parseUnsignedLong(eff.split("\\s+")[1], 16),
                "net_bind_service, chown, dac_override, fowner, kill, setgid, setuid: " + eff);
        String nginxPid = Files.readString(sortie.home.resolve("nginx/nginx.pid")).strip();
        String nginxCaps = Files.readAllLines(Path.of("/proc", nginxPid, "status")).stream().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow();
        assertEquals(1L << 10, Long.parseUnsignedLong(nginxCaps.split("\\s+")[1], 16),
                "the daemon started nginx with net_bind_service alone: " + nginxCaps);
        Path apps = sortie.home.resolve("apps");
        for (String app : List.of(VICTIM, HOSTILE)) {
            Path dir = apps.resolve(app);
            assertEquals(RunAs.lookup(RunAs.userFor(app)).orElseThrow().uid(), (int) Files.getAttribute(dir, "unix:uid"));
            assertEquals(service.gid(), (int) Files.getAttribute(dir, "unix:gid"), "the app's files are in the daemon's group");
            assertEquals(02770, (int) Files.getAttribute(dir, "unix:mode") & 07777, "setgid, nothing for others");
        }
    }

    @Test
    @Order(Integer.MAX_VALUE - 2) // after the others, which read what the first daemon started
    void afterARebootTheUnitsDaemonAloneServesTheLiveSitesAgain() throws Exception {
        // a reboot, as far as Sortie can tell: the daemon, every app instance and the whole nginx are gone at once
        long master = Long.parseLong(Files.readString(sortie.home.resolve("nginx/nginx.pid")).strip());
        List<ProcessHandle> gone = new java.util.ArrayList<>();
        for (long pid : List.of(Long.parseLong(Files.readString(sortie.home.resolve("run/server.pid")).strip()), master)) {
            ProcessHandle.of(pid).ifPresent(h -> {
                gone.add(h);
                h.descendants().forEach(gone::add); // the instances, the deploy workers; nginx's workers
            });
        }
        assertTrue(gone.size() >= 4, "the daemon with both apps' instances, and nginx with a worker: " + gone);
        gone.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : gone) {
            Await.until("pid " + h.pid() + " is gone", () -> !h.isAlive());
        }
        assertTrue(!last(sortie.curl("http://" + VICTIM + ".localhost:" + sortie.nginxPort + "/").output()).equals("200"), "nothing serves");

        // systemd starts sortie.service at boot: the daemon alone, no sortie command that could start nginx for it
        unitDaemon = sortie.runDaemonAsTheUnit(UNIT_CAPABILITIES);
        for (String app : List.of(VICTIM, HOSTILE)) {
            Await.until(app + " serves again", () -> {
                try {
                    return last(sortie.curl("http://" + app + ".localhost:" + sortie.nginxPort + "/").output()).equals("200");
                } catch (Exception e) {
                    return false;
                }
            });
        }
        long newMaster = Long.parseLong(Files.readString(sortie.home.resolve("nginx/nginx.pid")).strip());
        assertTrue(newMaster != master && Await.alive(newMaster), "a new nginx master: " + newMaster);
        String log = Files.readString(sortie.home.resolve("run/server.log"));
        assertTrue(log.contains("started the managed nginx, which was not running") || log.contains("(nothing named it)"),
                "the daemon says it started nginx:\n" + tail(sortie.home.resolve("run/server.log")));
        String pid = Files.readString(sortie.home.resolve("run/server.pid")).strip();
        assertEquals(Long.toString(unitDaemon.pid()), pid, "the unit's daemon is the one running");
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void systemctlStopLeavesTheAppsServingAndEveryCommandSaysHowToStartItAgain() throws Exception {
        if (unitDaemon == null || !unitDaemon.isAlive()) {
            unitDaemon = sortie.runDaemonAsTheUnit(UNIT_CAPABILITIES);
        }
        String victimUrl = "http://" + VICTIM + ".localhost:" + sortie.nginxPort + "/";
        String before = sortie.curl(victimUrl).output();
        String ps = sortie.sortie("ps").assertOk().output();
        // systemctl stop sortie, with the unit's KillMode=process: SIGTERM to the daemon alone
        Proc.run(tmp, java.util.Map.of(), 30, List.of("kill", "-TERM", Long.toString(unitDaemon.pid()))).assertOk();
        assertTrue(unitDaemon.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the daemon ends on SIGTERM");
        assertEquals("stopped by systemd (systemctl stop sortie)\n", Files.readString(sortie.home.resolve("run/server.stopped")));
        assertEquals(before, sortie.curl(victimUrl).output(), "the apps keep serving");

        Proc.Result status = sortie.sortie("server", "status");
        assertEquals(4, status.exit(), status.output());
        assertTrue(status.output().contains("server: not running, stopped by systemd (systemctl stop sortie) (start it: sudo systemctl start sortie)"),
                status.output());

        Files.writeString(victimProject.resolve("message.txt"), "after the service came back\n");
        Proc.Result push = sortie.commitAndPush(victimProject, "while stopped");
        assertEquals(0, push.exit(), "git took the push (post-update):\n" + push.output());
        assertTrue(push.output().contains("victim: the push was received, but nothing was deployed: the sortie server was stopped by systemd"
                + " (systemctl stop sortie), and a command does not start it outside the service; start it: sudo systemctl start sortie"),
                push.output());
        assertTrue(push.output().contains("Once the server runs: sortie deploy victim"), push.output());
        assertEquals(4, sortie.sortie("server", "status").exit(), "the push started no daemon");
        assertEquals(before, sortie.curl(victimUrl).output(), "nothing was deployed");

        unitDaemon = sortie.runDaemonAsTheUnit(UNIT_CAPABILITIES); // systemctl start sortie
        Await.until("the started unit clears the stop, once it has adopted its instances",
                () -> !Files.exists(sortie.home.resolve("run/server.stopped")));
        assertEquals(pids(ps), pids(sortie.sortie("ps").assertOk().output()), "it adopted the instances, not restarted them");
        Proc.Result deploy = sortie.sortie("deploy", VICTIM);
        assertTrue(deploy.output().contains("is live at"), deploy.output());
        assertEquals("after the service came back\n\n200", sortie.curl(victimUrl).output());
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: it stops the daemon, and starts it again for the destroys
    void aCommandWithoutTheRightsDoesNotStartACrippledDaemon() throws Exception {
        sortie.sortie("server", "stop").assertOk();
        Proc.Result deploy = sortie.sortie("deploy", VICTIM);
        assertEquals(1, deploy.exit(), deploy.output());
        assertTrue(deploy.output().contains("the sortie server is not running, and this command cannot start it")
                && deploy.output().contains("sudo systemctl start sortie"), deploy.output());
        String status = sortie.sortie("server", "status").output();
        assertTrue(status.contains("server: not running"), "no daemon was started:\n" + status);
        sortie.startDaemon(UNIT_CAPABILITIES).assertOk();
    }

    /** APP RELEASE PID of each line of {@code sortie ps}. */
    static List<String> pids(String ps) {
        return ps.lines().skip(1).map(l -> l.split("\\s+")).map(f -> f[0] + " " + f[1] + " " + f[3]).toList();
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(" + e + ")";
        }
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
