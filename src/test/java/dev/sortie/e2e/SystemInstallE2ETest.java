package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ConfigLoader;
import dev.sortie.config.ServerConfig;
import dev.sortie.testing.Await;
import dev.sortie.testing.Proc;
import dev.sortie.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code install.sh --system --root DIR}: every file of the system install rendered under a temporary root (no sortie user
 * is made and no systemctl runs), the unit checked by {@code systemd-analyze verify}, its ExecStart run as systemd would run
 * it, the daemon started the way this machine allows (here, without systemd as PID 1, directly), then {@code --uninstall}
 * and {@code --uninstall --purge}.
 */
class SystemInstallE2ETest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();

    @TempDir
    Path tmp;

    private final List<Long> daemons = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        daemons.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private Proc.Result install(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("bash", PROJECT.resolve("install.sh").toString()));
        argv.addAll(Arrays.asList(args));
        return Proc.run(PROJECT, Map.of(), 300, argv);
    }

    private static Proc.Result sortie(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(launcher.toString()));
        argv.addAll(Arrays.asList(args));
        return Proc.run(launcher.getParent(), env, 120, argv);
    }

    /** The unit's capabilities: to bind 80 and 443, and what keeps apps apart (Privileges.APP_USERS, which AppUsersE2ETest grants). */
    static java.util.Set<String> unitCapabilities() {
        java.util.Set<String> caps = new java.util.TreeSet<>(List.of("CAP_NET_BIND_SERVICE"));
        dev.sortie.exec.Privileges.APP_USERS.forEach(c -> caps.add("CAP_" + c.toUpperCase(java.util.Locale.ROOT)));
        return caps;
    }

    static java.util.Set<String> capabilitiesOf(List<String> unitLines, String key) {
        String line = unitLines.stream().filter(l -> l.startsWith(key + "=")).findFirst().orElseThrow(() -> new AssertionError(key + " missing"));
        return new java.util.TreeSet<>(List.of(line.substring(key.length() + 1).split(" ")));
    }

    /** What {@code systemd-analyze verify} says about a unit file: exit code and everything it printed. */
    private Proc.Result verify(Path unit) throws IOException, InterruptedException {
        return Proc.run(tmp, Map.of(), 60, List.of(Requirements.program("systemd-analyze", "systemd"), "verify", unit.toString()));
    }

    private static boolean systemdIsPid1() {
        return Files.isDirectory(Path.of("/run/systemd/system"));
    }

    @Test
    void rendersEveryFileUnderTheRootStartsTheDaemonAndUninstalls() throws Exception {
        Path root = tmp.resolve("root");
        Proc.Result installed = install("--system", "--root", root.toString(), "--no-build", "--no-cds");
        installed.assertOk();
        String out = installed.output();
        assertTrue(out.contains("--root " + root + ": not creating the sortie user (useradd) nor running systemctl"), out);
        String pid1 = Files.readString(Path.of("/proc/1/comm")).strip();
        if (systemdIsPid1()) {
            assertTrue(out.contains("--root: not using systemctl"), out);
        } else {
            assertTrue(out.contains("systemd is not PID 1 here (PID 1 is " + pid1 + ", a container?): " + root
                    + "/etc/systemd/system/sortie.service is in place for a machine that boots with systemd; starting the daemon "
                    + "directly as "), out);
        }
        assertTrue(out.contains("Started the sortie server (pid "), out);

        Path home = root.resolve("var/lib/sortie");
        Path launcher = root.resolve("usr/local/bin/sortie");
        Path jar = root.resolve("usr/local/lib/sortie/sortie.jar");
        Path unit = root.resolve("etc/systemd/system/sortie.service");
        for (Path p : List.of(home, launcher, jar, unit, home.resolve("sortie.yml"), home.resolve("run/server.log"))) {
            assertTrue(Files.exists(p), p + " missing:\n" + out);
        }
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("run"))));

        // the server's config: every address, the standard ports
        ServerConfig.Nginx nginx = ConfigLoader.loadServer(home.resolve("sortie.yml")).nginx();
        assertEquals(new ServerConfig.Nginx("0.0.0.0", 80, Requirements.nginx(), "managed", null, 443), nginx);
        assertTrue(ConfigLoader.loadServer(home.resolve("sortie.yml")).appUsers(), "a server keeps its apps apart");

        // the unit
        String text = Files.readString(unit);
        assertFalse(text.contains("{{"), text);
        List<String> lines = text.lines().toList();
        for (String line : List.of("User=sortie", "Group=sortie", "Environment=SORTIE_HOME=" + home, "Restart=on-failure",
                "KillMode=process", "NoNewPrivileges=yes", "ProtectSystem=true",
                "PrivateTmp=no", "StandardOutput=append:" + home + "/run/server.log", "WantedBy=multi-user.target")) {
            assertTrue(lines.contains(line), line + " missing from the unit:\n" + text);
        }
        assertEquals(unitCapabilities(), capabilitiesOf(lines, "AmbientCapabilities"), "what the daemon needs, and no more");
        assertEquals(unitCapabilities(), capabilitiesOf(lines, "CapabilityBoundingSet"));
        String execStart = lines.stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow().substring("ExecStart=".length());
        assertTrue(execStart.endsWith(" -cp " + jar + " dev.sortie.cli.Launcher server run"), execStart);
        Proc.Result verified = verify(unit);
        assertEquals(0, verified.exit(), verified.output());
        assertEquals("", verified.output().strip(), "systemd-analyze verify has no complaint");

        // the launcher of the system install uses its home unless told otherwise
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"));
        Proc.Result status = sortie(launcher, env, "server", "status");
        assertEquals(0, status.exit(), status.output());
        assertTrue(status.output().contains("home:   " + home), status.output());
        assertTrue(status.output().contains("server: running, pid "), status.output());
        long started = Long.parseLong(Files.readString(home.resolve("run/server.pid")).strip());
        daemons.add(started);

        // the unit's ExecStart, with its Environment, runs a daemon in the foreground (as systemd would, but as this user)
        sortie(launcher, env, "server", "stop").assertOk();
        Await.until("the daemon started by install.sh to exit", () -> !Await.alive(started));
        Map<String, String> unitEnv = new HashMap<>(env);
        lines.stream().filter(l -> l.startsWith("Environment=")).map(l -> l.substring("Environment=".length()).split("=", 2))
                .forEach(kv -> unitEnv.put(kv[0], kv[1]));
        ProcessBuilder pb = new ProcessBuilder(execStart.split(" ")).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("run/server.log").toFile()));
        pb.environment().clear();
        pb.environment().putAll(unitEnv);
        Process unitDaemon = pb.start();
        daemons.add(unitDaemon.pid());
        Await.until("the unit's daemon to answer", () -> {
            try {
                return sortie(launcher, env, "server", "status").output().contains("server: running, pid " + unitDaemon.pid());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(Files.readString(home.resolve("run/server.log")).contains("(pid " + unitDaemon.pid() + ")"));

        // --uninstall: the daemon stopped, the unit, launcher and lib gone, the home kept
        Proc.Result uninstalled = install("--uninstall", "--root", root.toString());
        uninstalled.assertOk();
        assertTrue(uninstalled.output().contains("Stopped the sortie server"), uninstalled.output());
        Await.until("the unit's daemon to exit", () -> !unitDaemon.isAlive());
        for (Path p : List.of(unit, launcher, root.resolve("usr/local/lib/sortie"), root.resolve("usr/local/share/sortie"))) {
            assertFalse(Files.exists(p), p + " is still there:\n" + uninstalled.output());
        }
        assertTrue(Files.exists(home.resolve("sortie.yml")), "the home stays without --purge");
        assertTrue(uninstalled.output().contains("kept " + home), uninstalled.output());

        // a reinstall keeps the server's own config; --purge removes the home
        Files.writeString(home.resolve("sortie.yml"), "nginx: {listen: 0.0.0.0, port: 8080}\n");
        install("--system", "--root", root.toString(), "--no-build", "--no-cds").assertOk();
        daemons.add(Long.parseLong(Files.readString(home.resolve("run/server.pid")).strip()));
        assertEquals("nginx: {listen: 0.0.0.0, port: 8080}\n", Files.readString(home.resolve("sortie.yml")));
        Proc.Result purged = install("--uninstall", "--purge", "--root", root.toString());
        purged.assertOk();
        assertFalse(Files.exists(home), purged.output());
        assertTrue(purged.output().contains("--root: not running userdel sortie"), purged.output());
    }

    /**
     * The real {@code ./install.sh --system}, no {@code --root}: in a private mount namespace whose /etc, /usr/local and
     * /var/lib are copies under the test's temp dir, so its useradd, launcher and home touch nothing of this machine's. Here
     * systemd is not PID 1 (a container): the installer says so and starts the daemon as the new sortie user with the unit's
     * capabilities; a person's commands (runuser -u sortie) make an app, whose push goes live with its instance as the app's
     * own user; a reinstall keeps the server config and restarts the daemon; --uninstall --purge removes the users too.
     */
    @Test
    @org.junit.jupiter.api.Timeout(600)
    void aRealSystemInstallInAContainerWithoutSystemd() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(systemdIsPid1(), "on a machine booted with systemd the real install would use it");
        assertEquals("root", System.getProperty("user.name"), "the system install runs as root (CI runs the suite as root)");
        int port = dev.sortie.service.FreePort.pick();
        Path script = tmp.resolve("install-in-namespace.sh");
        Files.writeString(script, """
                set -u
                T=%1$s
                for d in etc usrlocal varlib; do mkdir -p "$T/$d"; done  # /var/lib, a copy, holds the project too: the test's temp dir is 0700
                cp -a /etc/. "$T/etc/"; cp -a /var/lib/. "$T/varlib/"
                mount --bind "$T/etc" /etc && mount --bind "$T/usrlocal" /usr/local && mount --bind "$T/varlib" /var/lib || exit 99
                as() { runuser -u sortie -- env PATH=/usr/local/bin:/usr/bin:/bin HOME=/var/lib/sortie "$@"; }
                cd %2$s
                echo "== install"; bash install.sh --system --no-build --no-cds 2>&1
                pid=$(cat /var/lib/sortie/run/server.pid)
                echo "== daemon"; grep -E '^(Uid|CapEff):' /proc/$pid/status; echo "sortie uid $(id -u sortie)"
                printf 'nginx:\n  listen: 127.0.0.1\n  port: %3$d\napp_users: true\n' > /var/lib/sortie/sortie.yml  # loopback only, apps apart as the installer's
                echo "== reinstall"; bash install.sh --system --no-build --no-cds 2>&1
                echo "== create"; as sortie apps create shop 2>&1
                P=/var/lib/shop-project; cp -r src/test/resources/fixtures/plain "$P" && chown -R sortie:sortie "$P" && cd "$P"
                as git init -q -b main && as git -c user.email=t@t -c user.name=t add -A && as git -c user.email=t@t -c user.name=t commit -qm first
                echo "== push"; as git push /var/lib/sortie/apps/shop/repo.git main 2>&1
                echo "== curl"; curl -sS --max-time 10 -H 'Host: shop.localhost' http://127.0.0.1:%3$d/
                echo "== instance"; grep -E '^Uid:' /proc/$(pgrep -u sortie-shop -o)/status; echo "app uid $(id -u sortie-shop)"
                cd %2$s
                echo "== purge"; bash install.sh --uninstall --purge 2>&1
                id sortie 2>&1; id sortie-shop 2>&1; ls /var/lib/sortie 2>&1
                echo "== end"
                """.formatted(tmp.resolve("ns"), PROJECT, port));
        Proc.Result r = Proc.run(tmp, Map.of(), 540, List.of("unshare", "--mount", "--propagation", "private", "bash", script.toString()));
        String out = r.output();
        assertTrue(out.contains("== end"), out);
        String install = section(out, "install");
        assertTrue(install.contains("created the system user sortie (home /var/lib/sortie)"), install);
        assertTrue(install.contains("installed /etc/systemd/system/sortie.service"), install);
        assertTrue(install.contains("systemd is not PID 1 here (PID 1 is ") && install.contains("starting the daemon directly as sortie"), install);
        assertTrue(install.contains("Started the sortie server (pid "), install);
        String daemon = section(out, "daemon");
        String uid = daemon.lines().filter(l -> l.startsWith("sortie uid ")).findFirst().orElseThrow().substring("sortie uid ".length());
        assertTrue(daemon.matches("(?s)Uid:\\s+" + uid + "\\s.*"), "the daemon runs as sortie:\n" + daemon);
        assertTrue(daemon.contains("CapEff:\t00000000000004eb"), "with the unit's seven capabilities:\n" + daemon);
        String reinstall = section(out, "reinstall");
        assertTrue(reinstall.contains("Started the sortie server (pid "), reinstall);
        assertTrue(section(out, "create").contains("git remote add production sortie@"), "the short remote:\n" + out);
        assertTrue(section(out, "push").contains("is live at http://shop.localhost:" + port + "/"), out);
        assertEquals("first release", section(out, "curl").strip(), out);
        String instance = section(out, "instance");
        String appUid = instance.lines().filter(l -> l.startsWith("app uid ")).findFirst().orElseThrow().substring("app uid ".length());
        assertTrue(instance.matches("(?s)Uid:\\s+" + appUid + "\\s.*"), "the instance runs as sortie-shop:\n" + instance);
        String purge = section(out, "purge");
        assertTrue(purge.contains("removed the app user sortie-shop") && purge.contains("removed the sortie user"), purge);
        assertEquals(2, purge.split("no such user", -1).length - 1, "neither sortie nor sortie-shop is left:\n" + purge);
        assertTrue(purge.contains("No such file or directory"), "the home is gone:\n" + purge);
    }

    /** The lines of {@code out} after {@code == name} and before the next {@code ==} line. */
    private static String section(String out, String name) {
        int start = out.indexOf("== " + name + "\n");
        assertTrue(start >= 0, "no section " + name + " in:\n" + out);
        String rest = out.substring(start + name.length() + 4);
        int end = rest.indexOf("\n== ");
        return end < 0 ? rest : rest.substring(0, end + 1);
    }

    @Test
    void aBrokenUnitFailsTheVerification() throws Exception {
        Path unit = tmp.resolve("sortie.service");
        String template = Files.readString(PROJECT.resolve("templates/sortie.service"));
        Files.writeString(unit, template.replace("{{java}}", "/bin/true").replace("{{cds}}", "").replace("{{template}}", "x")
                .replace("{{home}}", tmp.toString()).replace("{{user}}", "sortie").replace("{{jar}}", "x.jar"));
        Proc.Result fine = verify(unit);
        assertEquals("", fine.output().strip(), fine.output());
        Files.writeString(unit, Files.readString(unit).replace("KillMode=process", "KillMode=proces"));
        assertTrue(verify(unit).output().contains("kill mode"), "a mistyped value is reported");
        Files.writeString(unit, Files.readString(unit).replace("ExecStart=/bin/true", "ExecStart=" + tmp.resolve("no-such-java")));
        assertNotEquals(0, verify(unit).exit(), "an ExecStart that is not there fails");
    }

    @Test
    void wrongCombinationsAreRefusedAndTheUserInstallIsUnchanged() throws Exception {
        Proc.Result rootAlone = install("--root", tmp.toString(), "--no-build");
        assertNotEquals(0, rootAlone.exit());
        assertTrue(rootAlone.output().contains("--root goes with --system or --uninstall"), rootAlone.output());
        Proc.Result purgeAlone = install("--purge");
        assertTrue(purgeAlone.output().contains("--purge goes with --uninstall"), purgeAlone.output());
        Proc.Result both = install("--system", "--uninstall", "--root", tmp.toString());
        assertTrue(both.output().contains("--system and --uninstall do opposite things"), both.output());
        Proc.Result relative = install("--system", "--root", "relative/dir");
        assertTrue(relative.output().contains("--root needs an absolute directory"), relative.output());

        // the plain user install: no unit, no home of its own in the launcher
        Path prefix = tmp.resolve("user");
        Proc.Result user = install("--no-build", "--no-cds", "--prefix", prefix.toString());
        user.assertOk();
        assertFalse(user.output().contains("sortie.service"), user.output());
        String launcher = Files.readString(prefix.resolve("bin/sortie"));
        assertFalse(launcher.contains("SORTIE_HOME"), launcher);
        try (var files = Files.list(prefix)) {
            assertEquals(List.of("bin", "lib", "share"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }
}
