package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.deploy.Journal;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.testing.Await;
import dev.sortie.testing.Proc;
import dev.sortie.testing.Wrk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Faults under load: a deploy's worker killed with -9 or halted at a step, a hook that throws after
 * the switch, the daemon killed during a drain, bursts of deploys and pushes, a dropped pusher, a
 * stolen domain. Each runs under wrk keep-alive load through nginx where traffic is at stake, and
 * ends by checking that nginx, current, the release records and the instances agree, and that no
 * instance runs that no record names.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
@Tag("faults")
class FaultsE2ETest {

    static final String APP = "faulty";

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static Path project;
    static Path ctl;
    static int version;

    @BeforeAll
    static void firstRelease() throws Exception {
        sortie = new InstalledSortie(tmp);
        ctl = Files.createDirectories(tmp.resolve("faults"));
        sortie.sortie("apps", "create", APP).assertOk();
        Path hooks = tmp.resolve("UpgradeHooks.java");
        Files.writeString(hooks, Files.readString(fixture("faulty").resolve("UpgradeHooks.java")).replace("FAULTS_DIR", ctl.toString()));
        project = sortie.project(fixture("plain"), APP, APP, hooks);
        Files.writeString(project.resolve("sortie.yml"), Files.readString(project.resolve("sortie.yml")) + "hooks:\n  timeout: 3s\n");
        Files.writeString(project.resolve("message.txt"), "release 0\n");
        sortie.commitAndPush(project, "release 0").assertOk();
    }

    @AfterAll
    static void stop() throws Exception {
        if (sortie != null) {
            sortie.close();
        }
    }

    static Path fixture(String name) {
        return Path.of("src/test/resources/fixtures", name).toAbsolutePath();
    }

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({
        "pause, after_upgrade_service, upgrade_service, the deploy process died during upgrade_service (signal 9)",
        "pause, after_configure_nginx, configure_nginx, the deploy process died during configure_nginx (signal 9)",
        "pause, before_run_bots,       run_bots,        the deploy process died during run_bots (signal 9)",
        "halt,  after_configure_nginx, configure_nginx, the deploy process died during configure_nginx (exit 0)",
        "throw, before_run_bots,       run_bots,        injected fault in before_run_bots",
    })
    @Order(1)
    void aFailedOrKilledDeployIsUndoneUnderLoadWithoutAFailedRequest(String fault, String hook, String step, String reason)
            throws Exception {
        String live = liveRelease();
        var load = Wrk.start("http://127.0.0.1:" + sortie.nginxPort + "/", APP + ".localhost", 4, 8);
        Thread.sleep(500);
        Files.writeString(ctl.resolve(fault + "-" + hook), "");
        Files.writeString(project.resolve("message.txt"), "release " + (++version) + "\n");
        var push = CompletableFuture.supplyAsync(() -> commitAndPush("release " + version), pool());
        Path at = ctl.resolve("at-" + hook);
        Await.until("the deploy reaches " + hook, () -> Files.exists(at));
        if (fault.equals("pause")) {
            long worker = workerPid(newestDeploy());
            assertTrue(ProcessHandle.of(worker).orElseThrow().destroyForcibly(), "kill -9 the worker");
        }
        Proc.Result pushed = push.join();
        Files.deleteIfExists(at);
        String out = pushed.output();
        assertTrue(out.contains("deploy FAILED at " + step + ": ") && out.contains(reason), out);
        assertTrue(out.contains("The previous release " + live + " is still serving."), out);
        assertTrue(out.contains("The push was accepted, but its deploy failed"), out);

        assertNoFailedRequests(load.join());
        assertConverged(live, newestDeploy(), reason);
    }

    @Test
    @Order(1)
    void failedSmokeBotsMoveTrafficBackWithoutAFailedRequest() throws Exception {
        String live = liveRelease();
        Files.createDirectories(project.resolve("bots"));
        Files.writeString(project.resolve("bots/smoke.yml"), """
                tree:
                  sequence:
                    - name: home page
                      request: {path: /}
                      expect: {status: 200, body_contains: "a text this release never serves"}
                    - done
                """);
        Files.writeString(project.resolve("message.txt"), "release " + (++version) + "\n");
        var load = Wrk.start("http://127.0.0.1:" + sortie.nginxPort + "/", APP + ".localhost", 4, 8);
        Thread.sleep(500);
        Proc.Result push = commitAndPush("smoke bots that fail");
        String out = push.output();
        assertTrue(out.contains("deploy FAILED at run_bots: smoke bots failed"), out);
        assertTrue(out.contains("moved traffic back to the previous release " + live), out);
        assertTrue(out.contains("the new instance drains for 1.0s, then stops"), out);
        sortie.git(project, "rm", "-q", "-r", "bots").assertOk();
        sortie.git(project, "commit", "-q", "-m", "no smoke bots").assertOk();
        assertNoFailedRequests(load.join());
        assertConverged(live, newestDeploy(), "smoke bots failed");
    }

    @Test
    @Order(2)
    void theDaemonKilledDuringADrainStopsTheOldInstanceWhenItComesBack() throws Exception {
        Files.writeString(sortie.home.resolve("sortie.yml"), "nginx:\n  port: " + sortie.nginxPort + "\ndrain: 4s\nstop_timeout: 5s\n");
        sortie.sortie("server", "stop").assertOk();
        sortie.sortie("server", "start").assertOk();
        String before = liveRelease();
        long oldPid = instancePid(before);
        Files.writeString(project.resolve("message.txt"), "release " + (++version) + "\n");
        Proc.Result push = commitAndPush("release " + version);
        assertTrue(push.output().contains("old release " + before + " drains for 4.0s"), push.output());
        long daemon = Long.parseLong(Files.readString(sortie.home.resolve("run/server.pid")).strip());
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        Await.until("the daemon is gone", () -> !Await.alive(daemon));
        assertTrue(Await.alive(oldPid), "the old instance outlives the daemon for now");
        sortie.sortie("server", "start").assertOk();
        Await.until("the old instance is stopped after its drain", () -> !Await.alive(oldPid));
        String after = liveRelease();
        assertNotEquals(before, after);
        assertEquals(List.of(after), runningReleases());
        Files.writeString(sortie.home.resolve("sortie.yml"), "nginx:\n  port: " + sortie.nginxPort + "\ndrain: 1s\nstop_timeout: 5s\n");
        sortie.sortie("server", "stop").assertOk();
        sortie.sortie("server", "start").assertOk();
    }

    @Test
    @Order(3)
    void tenSimultaneousDeploysRunInArrivalOrderAndTheLastOneIsLive() throws Exception {
        List<String> commits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Files.writeString(project.resolve("message.txt"), "burst " + i + "\n");
            sortie.git(project, "commit", "-q", "-a", "-m", "burst " + i).assertOk();
            sortie.git(project, "push", "-q", "production", "HEAD:refs/heads/burst-" + i).assertOk();
            commits.add(sortie.git(project, "rev-parse", "HEAD").assertOk().output().strip());
        }
        List<CompletableFuture<Proc.Result>> deploys = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String ref = "burst-" + i;
            deploys.add(CompletableFuture.supplyAsync(() -> sortie("deploy", APP, ref), pool()));
            Thread.sleep(150); // arrival order is what we assert; the daemon, not the CLI start-up, must keep it
        }
        for (var d : deploys) {
            assertEquals(0, d.join().exit(), d.join().output());
        }
        // arrival order is the order the daemon queued them in; each one's Live line must follow the same order
        List<Journal.Line> queued = new ArrayList<>();
        List<Journal.Line> lives = new ArrayList<>();
        for (Path journal : journals()) {
            var lines = Journal.read(journal);
            if (lines.getFirst().event() instanceof DeployEvent.Queued q && commits.contains(q.commit())) {
                queued.add(lines.getFirst());
                assertTrue(lines.getLast().event() instanceof DeployEvent.Live, "every deploy went live: " + journal);
                lives.add(new Journal.Line(lines.getLast().at(), lines.getFirst().event()));
            }
        }
        assertEquals(10, queued.size(), "every deploy was recorded");
        queued.sort(Comparator.comparing(Journal.Line::at));
        lives.sort(Comparator.comparing(Journal.Line::at));
        assertEquals(queued.stream().map(Journal.Line::event).toList(), lives.stream().map(Journal.Line::event).toList(),
                "they went live in the order they arrived");
        String last = ((DeployEvent.Queued) queued.getLast().event()).commit();
        String message = "burst " + commits.indexOf(last);
        assertEquals(message + "\n\n200", sortie.curl(sortie.url(APP)).output(), "the last to arrive is live");
        assertEquals(List.of(liveRelease()), runningReleases());
    }

    @Test
    @Order(4)
    void tenPushesFromTenClonesEndOnTheLastPushedCommit() throws Exception {
        List<Path> clones = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Path clone = tmp.resolve("clone-" + i);
            sortie.git(tmp, "clone", "-q", project.toString(), clone.toString()).assertOk();
            sortie.git(clone, "remote", "add", "production", sortie.home.resolve("apps/" + APP + "/repo.git").toString()).assertOk();
            Files.writeString(clone.resolve("message.txt"), "clone " + i + "\n");
            sortie.git(clone, "commit", "-q", "-a", "-m", "clone " + i).assertOk();
            clones.add(clone);
        }
        List<CompletableFuture<Proc.Result>> pushes = new ArrayList<>();
        for (Path clone : clones) {
            pushes.add(CompletableFuture.supplyAsync(() -> forcePush(clone), pool()));
        }
        for (var p : pushes) {
            Proc.Result r = p.join();
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("is live at") || r.output().contains("deploy skipped: superseded by"), r.output());
        }
        String tip = sortie.git(sortie.home.resolve("apps/" + APP + "/repo.git"), "rev-parse", "main").assertOk().output().strip();
        String current = Files.readString(sortie.home.resolve("apps/" + APP + "/current/release.json"));
        assertTrue(current.contains(tip), "the live release is the branch's tip " + tip + ":\n" + current);
        assertEquals(List.of(liveRelease()), runningReleases());
    }

    @Test
    @Order(5)
    void aDroppedPusherLeavesTheDeployRunningAndLogsReattach() throws Exception {
        Files.writeString(ctl.resolve("pause-before_deps"), "");
        Files.writeString(project.resolve("message.txt"), "dropped\n");
        sortie.git(project, "commit", "-q", "-a", "-m", "dropped").assertOk();
        ProcessBuilder pb = new ProcessBuilder("git", "push", "-f", "production", "main").directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("dropped.log").toFile());
        pb.environment().put("SORTIE_HOME", sortie.home.toString());
        Process pusher = pb.start();
        Await.until("the deploy starts", () -> Files.exists(ctl.resolve("at-before_deps")));
        pusher.descendants().forEach(ProcessHandle::destroyForcibly);
        pusher.destroyForcibly();
        String id = newestDeploy().getFileName().toString().replace(".jsonl", "");
        // the worker is paused in before_deps for 60s: undo the pause by letting the hook time out (3s)
        Proc.Result reattached = sortie("logs", APP, "--deploy", id, "-f");
        Files.deleteIfExists(ctl.resolve("at-before_deps"));
        assertTrue(reattached.output().contains(APP + ": deploying"), reattached.output());
        assertTrue(reattached.output().contains("before_deps did not finish within 3s")
                || reattached.output().contains("timed out"), reattached.output());
        assertEquals(1, reattached.exit(), "logs -f ends with the deploy, and says it failed:\n" + reattached.output());
    }

    /**
     * The push's hook (hooks/sortie-push) follows its deploy through the daemon; the daemon killed -9 meanwhile takes
     * the worker with it. The hook then follows the deploy on the full path (sortie git-hook --follow), which starts
     * the daemon again: that ends the deploy from its journal, and the pusher is told how it ended.
     */
    @Test
    @Order(5)
    void aPushWhoseDaemonIsKilledWhileItFollowsIsToldHowItsDeployEnded() throws Exception {
        String live = liveRelease();
        var load = Wrk.start("http://127.0.0.1:" + sortie.nginxPort + "/", APP + ".localhost", 4, 8);
        Thread.sleep(500);
        Files.writeString(ctl.resolve("pause-after_upgrade_service"), "");
        Files.writeString(project.resolve("message.txt"), "release " + (++version) + "\n");
        var push = CompletableFuture.supplyAsync(() -> commitAndPush("release " + version), pool());
        Path at = ctl.resolve("at-after_upgrade_service");
        Await.until("the deploy reaches after_upgrade_service", () -> Files.exists(at));
        String log = Files.readString(sortie.home.resolve("run/server.log"));
        assertTrue(log.contains("followed by its hook"), "the push went the hook's fast path (no JVM):\n" + log);
        long daemon = Long.parseLong(Files.readString(sortie.home.resolve("run/server.pid")).strip());
        assertTrue(ProcessHandle.of(daemon).orElseThrow().destroyForcibly(), "kill -9 the daemon");
        String out = push.join().output();
        Files.deleteIfExists(at);
        Files.deleteIfExists(ctl.resolve("pause-after_upgrade_service"));
        assertTrue(out.contains("deploy FAILED at upgrade_service: "), out);
        assertTrue(out.contains("The previous release " + live + " is still serving."), out);
        assertTrue(out.contains("The push was accepted, but its deploy failed"), out);
        assertNoFailedRequests(load.join());
        assertConverged(live, newestDeploy(), "the deploy process died during upgrade_service");
    }

    @ParameterizedTest(name = "a rollback whose worker is killed at {0}")
    @CsvSource({
        "after_upgrade_service, upgrade_service",
        "after_configure_nginx, configure_nginx",
    })
    @Order(5)
    void aKilledRollbackIsUndoneUnderLoadWithoutAFailedRequest(String hook, String step) throws Exception {
        Files.writeString(project.resolve("message.txt"), "release " + (++version) + "\n");
        commitAndPush("release " + version).assertOk(); // something to roll back from
        String live = liveRelease();
        var load = Wrk.start("http://127.0.0.1:" + sortie.nginxPort + "/", APP + ".localhost", 4, 8);
        Thread.sleep(500);
        Files.writeString(ctl.resolve("pause-" + hook), "");
        var rollback = CompletableFuture.supplyAsync(() -> sortie("rollback", APP), pool());
        Path at = ctl.resolve("at-" + hook);
        Await.until("the rollback reaches " + hook, () -> Files.exists(at));
        long worker = workerPid(newestDeploy());
        assertTrue(ProcessHandle.of(worker).orElseThrow().destroyForcibly(), "kill -9 the rollback's worker");
        Proc.Result out = rollback.join();
        Files.deleteIfExists(at);
        Files.deleteIfExists(ctl.resolve("pause-" + hook));
        assertEquals(1, out.exit(), out.output());
        String reason = "the deploy process died during " + step + " (signal 9)";
        assertTrue(out.output().contains("deploy FAILED at " + step + ": " + reason), out.output());
        assertTrue(out.output().contains("To try this rollback again: sortie rollback " + APP + " "), out.output());
        assertNoFailedRequests(load.join());
        assertConverged(live, newestDeploy(), reason);
    }

    @Test
    @Order(6)
    void aDomainBelongsToTheFirstAppThatWentLiveWithIt() throws Exception {
        sortie.sortie("apps", "create", "thief").assertOk();
        Path thief = sortie.project(fixture("plain"), "thief", "thief");
        Files.writeString(thief.resolve("sortie.yml"), Files.readString(thief.resolve("sortie.yml")) + "domains: [" + APP + ".localhost]\n");
        Proc.Result push = sortie.commitAndPush(thief, "steal");
        assertTrue(push.output().contains("FAILED before the first step: sortie.yml: domains: " + APP + ".localhost is taken: app "
                + APP + " serves it"), push.output());
        assertTrue(push.output().contains("Nothing was live before this deploy"), push.output());
        assertTrue(sortie.curl(sortie.url(APP)).output().endsWith("200"));
        assertFalse(Files.exists(sortie.home.resolve("nginx/sites/thief.conf")));
    }

    /**
     * Two first deploys naming one new domain: "late" passes the check before its first step, then waits after
     * upgrade_service while "early" goes live with the domain. At its switch, under the lock site changes take, late
     * checks again and fails; early keeps the domain.
     */
    @Test
    @Order(6)
    void ofTwoFirstDeploysNamingOneNewDomainOnlyTheFirstToSwitchGetsIt() throws Exception {
        for (String app : List.of("early", "late")) {
            sortie.sortie("apps", "create", app).assertOk();
        }
        Path late = sortie.project(fixture("plain"), "late", "late", tmp.resolve("UpgradeHooks.java"));
        Path early = sortie.project(fixture("plain"), "early", "early");
        for (Path p : List.of(late, early)) {
            Files.writeString(p.resolve("sortie.yml"), Files.readString(p.resolve("sortie.yml")) + "domains: [shared.localhost]\n");
        }
        Files.writeString(ctl.resolve("wait-after_upgrade_service"), "");
        var latePush = CompletableFuture.supplyAsync(() -> {
            try {
                return sortie.commitAndPush(late, "late");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, pool());
        Path at = ctl.resolve("at-after_upgrade_service");
        Await.until("late waits after upgrade_service", () -> Files.exists(at));
        Proc.Result first = sortie.commitAndPush(early, "early");
        assertTrue(first.output().contains("early ") && first.output().contains(" is live at "), first.output());
        Files.writeString(ctl.resolve("go-after_upgrade_service"), "");
        String out = latePush.join().output();
        Files.deleteIfExists(at);
        assertTrue(out.contains("deploy FAILED at configure_nginx: sortie.yml: domains: shared.localhost is taken: app early serves it"),
                out);
        assertFalse(Files.exists(sortie.home.resolve("nginx/sites/late.conf")), "late's site is not left behind");
        String served = Proc.run(tmp, Map.of(), 30, List.of("curl", "-sS", "--max-time", "10", "-D", "-", "-o", "/dev/null",
                "-H", "Host: shared.localhost", "http://127.0.0.1:" + sortie.nginxPort + "/")).assertOk().output();
        String earlyLive = Files.readString(sortie.home.resolve("nginx/sites/early.conf")).lines().findFirst().orElseThrow();
        assertTrue(served.contains("X-Sortie-Release: " + earlyLive.replaceAll("^# early: release (\\S+)\\.$", "$1")), served);
    }

    // ---- helpers

    /**
     * No request failed: no non-2xx answer, no refused connection, no timeout. A reload of nginx may
     * close a kept-alive connection just as the client sends on it (nginx closes idle connections when
     * an old worker retires); wrk counts that as a read error where a browser retries. The forward
     * switch and the revert reload once each, and each reload can catch each of the 4 connections.
     */
    static void assertNoFailedRequests(Wrk.Counts counts) {
        assertTrue(counts.requests() > 100, counts.output());
        assertEquals(0, counts.non2xx(), "non-2xx answers:\n" + counts.output());
        assertEquals(0, counts.connectErrors() + counts.writeErrors() + counts.timeouts(), "socket errors:\n" + counts.output());
        assertTrue(counts.readErrors() <= 2 * 4, "read errors beyond the reload race:\n" + counts.output());
    }

    private static ExecutorService pool() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }

    private static Proc.Result commitAndPush(String message) {
        try {
            return sortie.commitAndPush(project, message);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** git refuses a push whose ref another push holds locked at that instant ("cannot lock ref"); as a person would, try again. */
    private static Proc.Result forcePush(Path clone) {
        Proc.Result r = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            r = git(clone, "push", "-f", "production", "main");
            if (r.exit() == 0 || !r.output().contains("cannot lock ref")) {
                return r;
            }
        }
        return r;
    }

    private static Proc.Result sortie(String... args) {
        try {
            return sortie.sortie(args);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Proc.Result git(Path dir, String... args) {
        try {
            return sortie.git(dir, args);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static String liveRelease() throws IOException {
        return Files.readSymbolicLink(sortie.home.resolve("apps/" + APP + "/current")).getFileName().toString();
    }

    static List<Path> journals() throws IOException {
        try (Stream<Path> files = Files.list(sortie.home.resolve("apps/" + APP + "/deploys"))) {
            return files.sorted().toList();
        }
    }

    static Path newestDeploy() throws IOException {
        return journals().stream().max(Comparator.naturalOrder()).orElseThrow();
    }

    static long workerPid(Path journal) throws Exception {
        long[] pid = {0};
        Await.until("the deploy has a worker", () -> {
            try {
                for (DeployEvent e : Journal.events(journal)) {
                    if (e instanceof DeployEvent.WorkerStarted w) {
                        pid[0] = w.pid();
                    }
                }
            } catch (IOException ex) {
                return false;
            }
            return pid[0] > 0;
        });
        return pid[0];
    }

    /** Releases with a live process marked as an instance of this app (read from /proc, not from Sortie's records). */
    static List<String> runningReleases() throws Exception {
        List<String> found = new ArrayList<>();
        for (int attempt = 0; attempt < 100; attempt++) {
            found = markedInstances();
            if (found.size() <= 1) {
                break;
            }
            Thread.sleep(100); // an old instance may still be draining
        }
        return found;
    }

    private static List<String> markedInstances() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String env = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
                    for (String var : env.split("\0")) {
                        if (var.startsWith("SORTIE_INSTANCE=" + APP + "/")
                                && env.contains("SORTIE_SUPERVISOR=" + sortie.home.resolve("run/instances.json"))) {
                            String release = var.substring(("SORTIE_INSTANCE=" + APP + "/").length());
                            if (!found.contains(release)) {
                                found.add(release);
                            }
                        }
                    }
                } catch (IOException gone) {
                    // the process exited while we looked
                }
            }
        }
        return found;
    }

    static long instancePid(String release) throws Exception {
        String ps = sortie.sortie("ps").assertOk().output();
        for (String line : ps.lines().toList()) {
            if (line.startsWith(APP + " ") && line.contains(release)) {
                String rest = line.substring(line.indexOf(release) + release.length()).replace("(live)", "").trim();
                return Long.parseLong(rest.split("\\s+")[0]);
            }
        }
        throw new AssertionError("no instance of " + release + " in:\n" + ps);
    }

    /** nginx, current, the records and the processes all name {@code live}; the failed deploy is recorded with its reason. */
    static void assertConverged(String live, Path failedJournal, String reason) throws Exception {
        String failed = failedJournal.getFileName().toString().replace(".jsonl", "");
        assertEquals(live, liveRelease(), "current");
        String site = Files.readString(sortie.home.resolve("nginx/sites/" + APP + ".conf"));
        assertTrue(site.startsWith("# " + APP + ": release " + live + "."), "the nginx site names the live release:\n" + site);
        String releases = sortie.sortie("releases", APP).assertOk().output();
        assertTrue(releases.contains("* " + live), releases);
        assertTrue(releases.lines().anyMatch(l -> l.contains(failed) && l.contains("failed") && l.contains(reason.substring(0, Math.min(20, reason.length())))),
                releases);
        assertTrue(sortie.sortie("deploys", APP).assertOk().output().lines().anyMatch(l -> l.startsWith(failed) && l.contains(" failed ")));
        assertEquals(List.of(live), runningReleases(), "only the live release runs; nothing is orphaned");
        String ps = "";
        for (int i = 0; i < 50; i++) {
            ps = sortie.sortie("ps").assertOk().output();
            if (ps.lines().filter(l -> l.startsWith(APP + " ")).count() == 1) {
                break;
            }
            Thread.sleep(100); // the record goes once the stopped process is confirmed dead
        }
        assertEquals(1, ps.lines().filter(l -> l.startsWith(APP + " ")).count(), ps);
        assertTrue(ps.contains(live + " (live)"), ps);
    }
}
