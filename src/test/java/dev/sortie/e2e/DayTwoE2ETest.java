package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sortie.testing.Await;
import dev.sortie.testing.Proc;
import dev.sortie.testing.Wrk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Day two under wrk keep-alive load through the managed nginx: config changes, rollbacks (cold and to
 * a standby), restarts, a scaled app losing an instance, stop and start. Each change is a deploy of a
 * stored release, and none may fail a request.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class DayTwoE2ETest {

    static final String APP = "shop";
    static final String SECRET = "s3cr3t-value-4711";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static Path project;

    @BeforeAll
    static void twoReleases() throws Exception {
        sortie = new InstalledSortie(tmp);
        sortie.sortie("apps", "create", APP).assertOk();
        project = sortie.project(FaultsE2ETest.fixture("plain"), APP, APP);
        Files.writeString(project.resolve("message.txt"), "v1\n");
        sortie.commitAndPush(project, "v1").assertOk();
        Files.writeString(project.resolve("message.txt"), "v2\n");
        sortie.commitAndPush(project, "v2").assertOk();
    }

    @AfterAll
    static void stop() throws Exception {
        if (sortie != null) {
            sortie.close();
        }
    }

    @Test
    @Order(1)
    void aConfigChangeIsANewReleaseWithoutARebuildOrAFailedRequest() throws Exception {
        String before = live();
        var load = load();
        Proc.Result set = sortie.sortie("config", "set", APP, "GREETING=hello", "SECRET=" + SECRET);
        set.assertOk();
        FaultsE2ETest.assertNoFailedRequests(load.join());
        String out = set.output();
        assertTrue(out.contains("deploying a config change on " + before), out);
        assertFalse(out.contains("-----> compile"), "no build:\n" + out);
        assertEquals("hello", get("/config"));
        assertEquals("v2", get("/"));

        JsonNode record = record(live());
        assertEquals("config", record.get("kind").asText());
        assertEquals(before, record.get("source").asText());
        assertEquals(List.of("GREETING", "SECRET"), strings(record.get("config_keys")));
        assertFalse(Files.readString(releaseDir(live()).resolve("release.json")).contains(SECRET), "release.json holds no value");
        assertEquals("rw-------", mode(releaseDir(live()).resolve("env")));
        assertEquals("rw-------", mode(sortie.home.resolve("apps/" + APP + "/env")));

        String listed = sortie.sortie("config", APP).assertOk().output();
        assertTrue(listed.contains("SECRET") && !listed.contains(SECRET), "masked:\n" + listed);
        assertEquals(SECRET, sortie.sortie("config", "get", APP, "SECRET").assertOk().output().strip());
    }

    @Test
    @Order(2)
    void configValuesReachNoLogNorAnyOutput() throws Exception {
        List<Path> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sortie.home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.equals("env") || name.endsWith(".jar") || f.startsWith(sortie.home.resolve("apps/" + APP + "/repo.git"))) {
                    continue; // the 0600 config files themselves
                }
                if (f.equals(sortie.home.resolve("run/instances.json"))) {
                    continue; // the supervisor needs the environment to restart a crashed instance; run/ is 0700 (asserted below)
                }
                if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(SECRET)) {
                    leaks.add(f);
                }
            }
        }
        assertEquals(List.of(), leaks, "files holding a config value");
        assertEquals("rwx------", mode(sortie.home.resolve("run")));
    }

    @Test
    @Order(3)
    void aRollbackPutsThePreviousCodeAndConfigBackWithoutAFailedRequest() throws Exception {
        String withConfig = live();
        var load = load();
        Proc.Result rollback = sortie.sortie("rollback", APP);
        rollback.assertOk();
        FaultsE2ETest.assertNoFailedRequests(load.join());
        assertTrue(rollback.output().contains("rolling back to "), rollback.output());
        assertEquals("(unset)", get("/config"), "the release rolled back to had no GREETING");
        assertEquals("rollback", record(live()).get("kind").asText());
        assertFalse(Files.readString(sortie.home.resolve("apps/" + APP + "/env")).contains("GREETING"), "the app's config is the release's");

        Proc.Result back = sortie.sortie("rollback", APP, withConfig);
        back.assertOk();
        assertEquals("hello", get("/config"));
        assertEquals(withConfig, record(live()).get("source").asText());
    }

    @Test
    @Order(4)
    void aRollbackToAReleaseThatCannotRunListsTheOnesThatCan() throws Exception {
        Proc.Result unknown = sortie.sortie("rollback", APP, "19990101-000000");
        assertEquals(3, unknown.exit(), "bad input: " + unknown.output());
        assertTrue(unknown.output().contains("no release 19990101-000000 of " + APP), unknown.output());
        assertTrue(unknown.output().contains("releases you can roll back to:"), unknown.output());

        Files.writeString(project.resolve("sortie.yml"), Files.readString(project.resolve("sortie.yml"))
                .replace("run: [java, Server.java]", "run: [java, NoSuchServer.java]"));
        sortie.commitAndPush(project, "a release whose process never starts").assertOk();
        String failed = newestReleaseDir().getFileName().toString();
        assertEquals("failed", record(failed).get("outcome").asText());
        Proc.Result toFailed = sortie.sortie("rollback", APP, failed);
        assertEquals(3, toFailed.exit(), toFailed.output());
        assertTrue(toFailed.output().contains("release " + failed + " failed"), toFailed.output());
        assertTrue(toFailed.output().contains("releases you can roll back to:"), toFailed.output());

        // a pruned release: its record is a tombstone now, its files are gone
        Proc.Result prune = sortie.sortie("releases", "prune", APP, "--keep", "1");
        assertEquals(0, prune.exit(), prune.output());
        List<String> tombstones = Files.readAllLines(sortie.home.resolve("apps/" + APP + "/releases/.tombstones.jsonl"));
        assertFalse(tombstones.isEmpty(), prune.output());
        String pruned = JSON.readTree(tombstones.getFirst()).get("id").asText();
        assertFalse(Files.exists(releaseDir(pruned)), pruned);
        Proc.Result toPruned = sortie.sortie("rollback", APP, pruned);
        assertEquals(3, toPruned.exit(), toPruned.output());
        assertTrue(toPruned.output().contains("release " + pruned + " was pruned: its files are gone"), toPruned.output());
        assertTrue(toPruned.output().contains("releases you can roll back to:"), toPruned.output());
        String listing = toPruned.output().substring(toPruned.output().indexOf("releases you can roll back to:"));
        assertFalse(listing.contains(pruned), "a pruned release is not offered: " + listing);
        assertFalse(listing.contains(failed), "a failed release is not offered: " + listing);
        sortie.git(project, "revert", "--no-edit", "HEAD").assertOk();
        assertTrue(Files.readString(project.resolve("sortie.yml")).contains("run: [java, Server.java]"));
    }

    @Test
    @Order(5)
    void aRollbackWithinTheStandbyWindowOnlySwitchesNginx() throws Exception {
        sortie.sortie("apps", "set", APP, "standby=60s").assertOk();
        String before = live();
        long standbyPid = pidOf(before);
        Files.writeString(project.resolve("message.txt"), "v3\n");
        sortie.commitAndPush(project, "v3").assertOk();
        assertEquals("v3", get("/"));
        assertTrue(Await.alive(standbyPid), "the previous instance stays up as a standby");

        var load = load();
        Proc.Result rollback = sortie.sortie("rollback", APP);
        rollback.assertOk();
        FaultsE2ETest.assertNoFailedRequests(load.join());
        assertTrue(rollback.output().contains("took over the standby"), rollback.output());
        assertEquals("v2", get("/"));
        assertEquals(standbyPid, pidOf(live()), "the standby's process serves again: nothing was started");
        sortie.sortie("apps", "set", APP, "standby=").assertOk();
    }

    @Test
    @Order(6)
    void aRestartStartsAFreshInstanceWithoutAFailedRequest() throws Exception {
        String before = live();
        long oldPid = pidOf(before);
        var load = load();
        Proc.Result restart = sortie.sortie("restart", APP);
        restart.assertOk();
        FaultsE2ETest.assertNoFailedRequests(load.join());
        assertNotEquals(before, live());
        assertEquals("restart", record(live()).get("kind").asText());
        assertNotEquals(oldPid, pidOf(live()));
        Await.until("the old instance is stopped after its drain", () -> !Await.alive(oldPid));
        assertEquals("hello", get("/config"), "a restart keeps the release's config");
    }

    @Test
    @Order(7)
    void aScaledAppLosesNoRequestWhenOneInstanceIsKilled() throws Exception {
        var scaleLoad = load();
        Proc.Result scale = sortie.sortie("scale", APP, "2");
        scale.assertOk();
        FaultsE2ETest.assertNoFailedRequests(scaleLoad.join());
        List<Long> pids = pidsOf(live());
        assertEquals(2, pids.size(), sortie.sortie("ps").output());
        String site = Files.readString(sortie.home.resolve("nginx/sites/" + APP + ".conf"));
        assertEquals(2, site.lines().filter(l -> l.strip().startsWith("server 127.0.0.1:")).count(), site);

        var load = load();
        Thread.sleep(1000);
        assertTrue(ProcessHandle.of(pids.getFirst()).orElseThrow().destroyForcibly(), "kill -9 one instance");
        FaultsE2ETest.assertNoFailedRequests(load.join());
        String scaled = live();
        Await.until("the supervisor starts the killed instance again", () -> pidsOf(scaled).size() == 2
                && !pidsOf(scaled).contains(pids.getFirst()));

        var down = load();
        Proc.Result one = sortie.sortie("scale", APP, "1");
        one.assertOk();
        FaultsE2ETest.assertNoFailedRequests(down.join());
        String single = live();
        Await.until("one instance is left", () -> pidsOf(single).size() == 1);
    }

    @Test
    @Order(8)
    void aStoppedAppStaysStoppedUntilItIsStarted() throws Exception {
        sortie.sortie("stop", APP).assertOk();
        Await.until("the app's names answer 404", () -> status("/").equals("404"));
        String stopped = live();
        Await.until("its instances are gone", () -> pidsOf(stopped).isEmpty());
        assertTrue(sortie.sortie("apps", "list").assertOk().output().contains("(stopped: sortie start " + APP + ")"));
        sortie.sortie("server", "stop").assertOk();
        sortie.sortie("server", "start").assertOk();
        Thread.sleep(500);
        assertEquals(List.of(), pidsOf(live()), "a server restart does not bring a stopped app back");
        Proc.Result start = sortie.sortie("start", APP);
        start.assertOk();
        assertEquals("hello", get("/config"));
        assertFalse(Files.exists(sortie.home.resolve("apps/" + APP + "/stopped")));
    }

    // --- helpers

    static CompletableFuture<Wrk.Counts> load() throws InterruptedException {
        var load = Wrk.start("http://127.0.0.1:" + sortie.nginxPort + "/", APP + ".localhost", 4, 6);
        Thread.sleep(500);
        return load;
    }

    static String live() throws IOException {
        return Files.readSymbolicLink(sortie.home.resolve("apps/" + APP + "/current")).getFileName().toString();
    }

    static Path releaseDir(String id) {
        return sortie.home.resolve("apps/" + APP + "/releases/" + id);
    }

    static Path newestReleaseDir() throws IOException {
        try (Stream<Path> dirs = Files.list(sortie.home.resolve("apps/" + APP + "/releases"))) {
            return dirs.filter(d -> !d.getFileName().toString().startsWith(".")).max(Path::compareTo).orElseThrow();
        }
    }

    static JsonNode record(String id) throws IOException {
        return JSON.readTree(releaseDir(id).resolve("release.json").toFile());
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    static String get(String path) throws Exception {
        Proc.Result r = sortie.curl("http://" + APP + ".localhost:" + sortie.nginxPort + path);
        r.assertOk();
        List<String> lines = r.output().strip().lines().toList();
        assertEquals("200", lines.getLast(), r.output());
        return String.join("\n", lines.subList(0, lines.size() - 1)).strip();
    }

    static String status(String path) {
        try {
            Proc.Result r = sortie.curl("http://" + APP + ".localhost:" + sortie.nginxPort + path);
            List<String> lines = r.output().strip().lines().toList();
            return lines.isEmpty() ? "" : lines.getLast();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pids `sortie ps` shows for a release's running instances. */
    static List<Long> pidsOf(String release) {
        String ps;
        try {
            ps = sortie.sortie("ps").output();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        List<Long> pids = new ArrayList<>();
        for (String line : ps.lines().toList()) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length > 4 && cols[0].equals(APP) && cols[1].startsWith(release) && line.contains("running")) {
                pids.add(Long.parseLong(cols[cols[2].equals("(live)") ? 3 : 2]));
            }
        }
        return pids;
    }

    static long pidOf(String release) throws Exception {
        List<Long> pids = pidsOf(release);
        assertEquals(1, pids.size(), sortie.sortie("ps").output());
        return pids.getFirst();
    }
}
