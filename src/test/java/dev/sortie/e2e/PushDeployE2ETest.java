package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.Await;
import dev.sortie.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The installed sortie, real git pushes, real builds, processes and nginx, checked with curl. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PushDeployE2ETest {

    private static final List<String> STEPS = List.of("deps", "compile", "package", "make_upgrade_dir", "copy_release",
            "upgrade_service", "configure_nginx", "run_bots");

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static Path plain;

    @BeforeAll
    static void install() throws Exception {
        sortie = new InstalledSortie(tmp);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (sortie != null) {
            sortie.close();
        }
    }

    @Test
    @Order(1)
    void theBundledExamplePushesLiveBehindNginx() throws Exception {
        String created = sortie.sortie("apps", "create", "hello").assertOk().output();
        Path repo = sortie.home.resolve("apps/hello/repo.git");
        assertTrue(created.contains("git remote add production " + repo), created);
        assertTrue(Files.isExecutable(repo.resolve("hooks/post-update")));

        Path project = sortie.project(Path.of("examples/hello").toAbsolutePath(), "hello", "hello");
        Proc.Result push = sortie.git(project, "push", "production", "main");
        String out = push.output();
        assertEquals(0, push.exit(), out);
        assertStepsInOrder(out);
        Matcher live = Pattern.compile("remote: =====> hello (\\S+) is live at (\\S+)").matcher(out);
        assertTrue(live.find(), out);
        String release = live.group(1);
        assertEquals("http://hello.localhost:" + sortie.nginxPort + "/", live.group(2));
        assertEquals(live.group(2), sortie.url("hello"));

        Proc.Result answer = sortie.curl(sortie.url("hello"));
        assertEquals("Hello from Sortie!\n\n200", answer.output(), "through nginx with curl");

        Path current = sortie.home.resolve("apps/hello/current");
        assertEquals(Path.of("releases", release), Files.readSymbolicLink(current));
        String record = Files.readString(current.resolve("release.json"));
        assertTrue(record.contains("\"outcome\" : \"live\""), record);
        assertTrue(Files.exists(current.resolve("app/hello.jar")));

        assertTrue(sortie.sortie("ps").assertOk().output().contains(release + " (live)"));
        assertTrue(sortie.sortie("releases", "hello").assertOk().output().contains("* " + release));
        assertTrue(sortie.sortie("logs", "hello").assertOk().output().contains("hello listening on 127.0.0.1:"));
        assertTrue(sortie.sortie("logs", "hello", "--deploy").assertOk().output().contains("is live at"));
    }

    @Test
    @Order(2)
    void aSingleFileAppWithoutABuildDeploysFromSortieYml() throws Exception {
        sortie.sortie("apps", "create", "plain").assertOk();
        plain = sortie.project(fixture("plain"), "plain", "plain");
        Proc.Result push = sortie.git(plain, "push", "production", "main");
        assertEquals(0, push.exit(), push.output());
        assertStepsInOrder(push.output());
        assertTrue(push.output().contains("skipped: no build system"), push.output());
        assertEquals("first release\n\n200", sortie.curl(sortie.url("plain")).output());
    }

    @Test
    @Order(3)
    void aSecondPushServesTheNewContentAndRetiresTheOldInstance() throws Exception {
        String before = liveRelease("plain");
        Files.writeString(plain.resolve("message.txt"), "second release\n");
        Proc.Result push = sortie.commitAndPush(plain, "second");
        assertEquals(0, push.exit(), push.output());
        assertEquals("second release\n\n200", sortie.curl(sortie.url("plain")).output());
        String after = liveRelease("plain");
        assertNotEquals(before, after);
        assertTrue(push.output().contains("old release " + before + " drains"), push.output());
        awaitInstances("plain", 1);
    }

    @Test
    @Order(4)
    void aPushWhoseBuildFailsLeavesTheOldReleaseServing() throws Exception {
        String before = liveRelease("plain");
        Files.writeString(plain.resolve("Broken.java"), "class Broken { int x = ; }\n");
        Files.writeString(plain.resolve("sortie.yml"), Files.readString(plain.resolve("sortie.yml"))
                + "steps:\n  compile: [javac, -d, classes, Broken.java]\n");
        Files.writeString(plain.resolve("message.txt"), "must never be served\n");
        Proc.Result push = sortie.commitAndPush(plain, "broken build");
        String out = push.output();
        assertTrue(out.contains("remote: -----> compile           FAILED after"), out);
        assertTrue(out.contains("Broken.java:1: error"), "javac's diagnostics reach the pusher:\n" + out);
        assertTrue(out.contains("javac -d classes Broken.java exited with code 1"), out);
        assertTrue(out.contains("=====> plain deploy FAILED at compile"), out);
        assertTrue(out.contains("The previous release " + before + " is still serving."), out);
        assertFalse(out.contains("-----> package"), "no step after the failed one runs:\n" + out);
        assertEquals("second release\n\n200", sortie.curl(sortie.url("plain")).output());
        assertEquals(before, liveRelease("plain"));
        assertTrue(sortie.sortie("releases", "plain").output().contains("failed at compile"));
        sortie.git(plain, "rm", "-q", "Broken.java").assertOk();
        Files.writeString(plain.resolve("sortie.yml"), Files.readString(fixture("plain").resolve("sortie.yml")));
    }

    @Test
    @Order(5)
    void aBadSortieYmlFailsBeforeTheFirstStepWithTheKeyPath() throws Exception {
        String before = liveRelease("plain");
        Files.writeString(plain.resolve("sortie.yml"), "run: [java, Server.java]\nhealthcheck:\n  timout: 5s\n");
        Proc.Result push = sortie.commitAndPush(plain, "typo in sortie.yml");
        String out = push.output();
        assertTrue(out.contains("sortie.yml: healthcheck.timout: unknown key (did you mean timeout?)"), out);
        assertTrue(out.contains("FAILED before the first step"), out);
        assertFalse(out.contains("-----> deps"), out);
        assertEquals(before, liveRelease("plain"));
        assertEquals("second release\n\n200", sortie.curl(sortie.url("plain")).output());
    }

    @Test
    @Order(6)
    void anAppThatNeverBecomesHealthyNeverGetsTraffic() throws Exception {
        String before = liveRelease("plain");
        Files.writeString(plain.resolve("sortie.yml"), "run: [java, Missing.java]\nhealthcheck:\n  path: /health\n  timeout: 20s\n");
        Files.writeString(plain.resolve("message.txt"), "third release\n");
        Proc.Result push = sortie.commitAndPush(plain, "cannot start");
        String out = push.output();
        assertTrue(out.contains("-----> upgrade_service   FAILED"), out);
        assertTrue(out.contains("never answered: the process exited with code"), out);
        assertTrue(out.contains("Missing.java"), "the app's own output is shown:\n" + out);
        assertEquals(before, liveRelease("plain"));
        assertEquals("second release\n\n200", sortie.curl(sortie.url("plain")).output());
        awaitInstances("plain", 1);
        Files.writeString(plain.resolve("sortie.yml"), Files.readString(fixture("plain").resolve("sortie.yml")));
        sortie.git(plain, "add", "-A").assertOk();
        sortie.git(plain, "commit", "-q", "-m", "fixed").assertOk();
    }

    @Test
    @Order(7)
    void aPushToAnotherBranchDeploysNothing() throws Exception {
        int releases = releaseCount("plain");
        Proc.Result push = sortie.git(plain, "push", "production", "main:feature");
        assertEquals(0, push.exit(), push.output());
        assertTrue(push.output().contains("remote: -----> plain: pushed feature; only main deploys, so nothing was deployed."),
                push.output());
        assertEquals(releases, releaseCount("plain"));

        // a work-in-progress branch with a broken sortie.yml, or one that names itself the deploy branch, deploys nothing either
        sortie.git(plain, "checkout", "-q", "-b", "wip").assertOk();
        Files.writeString(plain.resolve("sortie.yml"), "branch: wip\nhealthcheck:\n  timout: 5s\n");
        Proc.Result broken = sortie.commitAndPush(plain, "wip", "wip");
        assertTrue(broken.output().contains("pushed wip; only main deploys, so nothing was deployed."), broken.output());
        Files.writeString(plain.resolve("sortie.yml"), "branch: wip\nrun: [java, Server.java]\n");
        Proc.Result promoted = sortie.commitAndPush(plain, "wip promotes itself", "wip");
        assertTrue(promoted.output().contains("pushed wip; only main deploys, so nothing was deployed."), promoted.output());
        assertFalse(promoted.output().contains("FAILED") || broken.output().contains("FAILED"));
        assertEquals(releases, releaseCount("plain"));
        sortie.git(plain, "checkout", "-q", "main").assertOk();
    }

    @Test
    @Order(8)
    void twoDeploysOfOneAppNeverInterleave() throws Exception {
        // a slow first step keeps the first deploy inside its lock while the second one starts
        Files.writeString(plain.resolve("sortie.yml"), Files.readString(plain.resolve("sortie.yml")) + "steps:\n  deps: [sleep, \"2\"]\n");
        sortie.git(plain, "commit", "-q", "-a", "-m", "slow deps").assertOk();
        sortie.git(plain, "push", "-q", "production", "main:refs/heads/slow").assertOk();
        Path lock = sortie.home.resolve("apps/plain/deploy.lock");
        // own threads: the common pool has one worker on a 2-core machine and would run the two one after the other
        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        var first = CompletableFuture.supplyAsync(() -> deploy("plain", "slow"), pool);
        for (int i = 0; i < 300 && (!Files.exists(lock) || Files.size(lock) == 0); i++) {
            Thread.sleep(20);
        }
        var second = CompletableFuture.supplyAsync(() -> deploy("plain", "slow"), pool);
        List<Proc.Result> results = List.of(first.join(), second.join());
        for (Proc.Result r : results) {
            assertEquals(0, r.exit(), r.output());
        }
        assertTrue(results.stream().anyMatch(r -> r.output().contains("plain: queued behind 1 deploy (running: ")),
                "one deploy waited in the queue for the other:\n" + results);
        for (Proc.Result r : results) {
            assertTrue(r.output().contains("-----> deps              sleep 2"), r.output());
        }
        assertEquals("third release\n\n200", sortie.curl(sortie.url("plain")).output());
        awaitInstances("plain", 1);
    }

    @Test
    @Order(9)
    void hostileAppNamesAreRefusedAndCreateNothing() throws Exception {
        for (String name : List.of("../evil", "a b", "UPPER", "x;rm -rf ~", "")) {
            Proc.Result r = sortie.sortie("apps", "create", name);
            assertEquals(3, r.exit(), r.output());
            assertTrue(r.output().contains("invalid app name"), r.output());
        }
        try (Stream<Path> apps = Files.list(sortie.home.resolve("apps"))) {
            assertEquals(List.of("hello", "plain"), apps.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    @Order(10)
    void destroyStopsTheAppAndRemovesItsSite() throws Exception {
        Proc.Result refused = sortie.sortie("apps", "destroy", "hello");
        assertEquals(2, refused.exit());
        assertTrue(refused.output().contains("--force"));
        sortie.sortie("apps", "destroy", "hello", "--force").assertOk();
        assertFalse(Files.exists(sortie.home.resolve("apps/hello")));
        assertFalse(Files.exists(sortie.home.resolve("nginx/sites/hello.conf")));
        assertFalse(sortie.sortie("ps").output().contains("hello "));
        assertTrue(sortie.curl("http://hello.localhost:" + sortie.nginxPort + "/").output().endsWith("404"));
    }

    @Test
    @Order(11)
    void aDaemonThatDiesLeavesAppsServingAndTheNextOneAdoptsThem() throws Exception {
        String before = sortie.sortie("ps").assertOk().output();
        long daemon = Long.parseLong(Files.readString(sortie.home.resolve("run/server.pid")).strip());
        ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
        for (int i = 0; i < 100 && ProcessHandle.of(daemon).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(50);
        }
        assertEquals("third release\n\n200", sortie.curl(sortie.url("plain")).output(), "apps outlive the daemon");
        Proc.Result start = sortie.sortie("server", "start").assertOk();
        assertTrue(start.output().contains("It runs 1 app instance(s)"), start.output());
        String after = sortie.sortie("ps").assertOk().output();
        assertEquals(pidOf(before, "plain"), pidOf(after, "plain"), "adopted, not restarted:\n" + before + after);
        assertEquals("third release\n\n200", sortie.curl(sortie.url("plain")).output());
    }

    @Test
    @Order(12)
    void afterARebootTheNextDaemonStartsWhatWasLiveAndTheManagedNginx() throws Exception {
        // a reboot, as far as Sortie can tell: the daemon, every app instance and the whole nginx are gone at once
        long daemon = Long.parseLong(Files.readString(sortie.home.resolve("run/server.pid")).strip());
        long instance = Long.parseLong(pidOf(sortie.sortie("ps").assertOk().output(), "plain"));
        long master = Long.parseLong(Files.readString(sortie.home.resolve("nginx/nginx.pid")).strip());
        List<ProcessHandle> gone = new java.util.ArrayList<>();
        for (long pid : List.of(daemon, instance, master)) {
            ProcessHandle.of(pid).ifPresent(h -> {
                gone.add(h);
                h.descendants().forEach(gone::add);
            });
        }
        gone.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : gone) {
            Await.until("pid " + h.pid() + " is gone", () -> !h.isAlive());
        }
        assertFalse(sortie.curl(sortie.url("plain")).output().endsWith("200"), "nothing serves");

        Proc.Result started = sortie.sortie("server", "start").assertOk();
        Await.until("the live release serves again", () -> {
            try {
                return sortie.curl(sortie.url("plain")).output().equals("third release\n\n200");
            } catch (Exception e) {
                return false;
            }
        });
        long newMaster = Long.parseLong(Files.readString(sortie.home.resolve("nginx/nginx.pid")).strip());
        assertNotEquals(master, newMaster, "a new nginx master");
        assertTrue(Await.alive(newMaster));
        // who started nginx: `server start` itself, or (systemd runs `server run`, with no CLI around it) the daemon for the
        // live sites, or a repoint of the site when the instance came back on another port; one of them says so
        String log = Files.readString(sortie.home.resolve("run/server.log"));
        assertTrue(started.output().contains("Started the managed nginx") || log.contains("started the managed nginx, which was not running")
                || log.contains("(nothing named it)"), started.output() + "\n" + log);
    }

    private static String pidOf(String ps, String app) {
        return ps.lines().filter(l -> l.startsWith(app + " ")).findFirst().orElseThrow().split("\\s+")[3];
    }

    private static Proc.Result deploy(String app, String ref) {
        try {
            return sortie.sortie("deploy", app, ref);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertStepsInOrder(String out) {
        List<String> seen = new ArrayList<>();
        Matcher m = Pattern.compile("remote: -----> (\\w+) ").matcher(out);
        while (m.find()) {
            if (STEPS.contains(m.group(1))) {
                seen.add(m.group(1));
            }
        }
        assertEquals(STEPS, seen, out);
    }

    private static String liveRelease(String app) throws Exception {
        return Files.readSymbolicLink(sortie.home.resolve("apps").resolve(app).resolve("current")).getFileName().toString();
    }

    private static int releaseCount(String app) throws Exception {
        try (Stream<Path> dirs = Files.list(sortie.home.resolve("apps").resolve(app).resolve("releases"))) {
            return (int) dirs.count();
        }
    }

    /** The old instance is retired after the drain; wait (bounded) until only {@code n} instances remain. */
    private static void awaitInstances(String app, int n) throws Exception {
        String ps = "";
        for (int i = 0; i < 100; i++) {
            ps = sortie.sortie("ps").assertOk().output();
            if (ps.lines().filter(l -> l.startsWith(app + " ")).count() == n) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("expected " + n + " instance(s) of " + app + ":\n" + ps);
    }

    private static Path fixture(String name) {
        return Path.of("src/test/resources/fixtures", name).toAbsolutePath();
    }
}
