package dev.sortie.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.AppSettings;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.release.ReleasePruner;
import dev.sortie.release.ReleasePruner.What;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Retention on a real file system: release dirs, logs, the hooks cache and journals of one app. */
@Timeout(30)
class ReleaseRetentionComponentTest {

    static final String APP = "hello";
    static final String SHA = "abcdef1234567890abcdef1234567890abcdef12";

    @TempDir
    Path tmp;
    SortieHome home;
    ReleaseStore store;
    ReleaseRetention retention;

    @BeforeEach
    void setUp() throws IOException {
        home = new SortieHome(tmp.resolve("home"));
        store = new ReleaseStore(home.releasesDir(APP), home.current(APP));
        Files.createDirectories(home.logsDir(APP));
        retention = new ReleaseRetention(home, ServerConfig.defaults());
    }

    static String id(int n) {
        return String.format("20261201-12%02d00-%07x", n, n);
    }

    /** A release as a deploy leaves it: app dir, record, log (rotated too), bots log, a finished journal. */
    void release(int n, String outcome, String hooksHash) throws IOException {
        String id = id(n);
        Path dir = Files.createDirectories(store.dir(id));
        if (ReleaseRecord.LIVE.equals(outcome) || n % 2 == 0) {
            Files.createDirectories(dir.resolve("app"));
            Files.write(dir.resolve("app").resolve("app.jar"), new byte[1000 + n]);
        }
        Instant at = Instant.parse("2026-12-01T12:00:00Z").plusSeconds(60L * n);
        store.writeRecord(new ReleaseRecord(id, APP, SHA, "main", at, at.plusSeconds(5), outcome, null, null, List.of(), 0, List.of(), "push",
                null, null, null, null, 0, hooksHash, null, null));
        Files.writeString(home.logsDir(APP).resolve(id + ".log"), "log of " + id + "\n");
        Files.writeString(home.logsDir(APP).resolve(id + ".log.1"), "older log of " + id + "\n");
        Files.writeString(home.logsDir(APP).resolve(id + ".bots.log"), "bots of " + id + "\n");
        journal(id, true);
    }

    void journal(String id, boolean finished) throws IOException {
        Files.createDirectories(home.deploysDir(APP));
        try (Journal j = Journal.open(home.journal(APP, id))) {
            j.appendDurably(new DeployEvent.Queued(id, APP, SHA, "main", "push", "root"));
            if (finished) {
                j.appendDurably(new DeployEvent.Live(APP, id, "http://x/"));
            }
        }
    }

    Path hooksEntry(String key, long modified) throws IOException {
        Path entry = Files.createDirectories(home.appDir(APP).resolve("hooks-cache").resolve(key).resolve("classes"));
        Files.writeString(entry.resolve("UpgradeHooks.class"), "x");
        Files.setLastModifiedTime(entry.getParent(), java.nio.file.attribute.FileTime.fromMillis(modified));
        return entry.getParent();
    }

    List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void keepsNLiveTheTargetAndThreeFailedWithoutArtifactsAndRemovesTheRestWithTheirLogs() throws IOException {
        for (int n = 1; n <= 10; n++) {
            release(n, n == 3 || n == 5 || n == 7 || n == 8 ? ReleaseRecord.FAILED : ReleaseRecord.LIVE, null);
        }
        store.switchCurrent(id(10));

        ReleasePruner.Pruned done = retention.prune(APP, Optional.of(2), Set.of(), false);

        // live-once: 1 2 4 6 9 10; keep 2 -> 10, 9 (9 is also the target); failed: 8 7 5 kept, 3 pruned
        assertEquals(List.of(ReleaseStore.TOMBSTONES, id(5), id(7), id(8), id(9), id(10)), names(home.releasesDir(APP)));
        assertEquals(List.of(id(6), id(4), id(3), id(2), id(1)), done.of(What.RELEASE).stream().map(ReleasePruner.Removed::name).toList());
        assertFalse(Files.exists(store.dir(id(8)).resolve("app")), "a kept failure loses its artifact");
        assertTrue(store.read(id(8)).isPresent(), "but keeps its record");
        assertTrue(Files.exists(store.dir(id(10)).resolve("app")));
        assertTrue(Files.exists(store.dir(id(9)).resolve("app")));
        assertEquals(List.of(id(8)), done.of(What.ARTIFACT).stream().map(ReleasePruner.Removed::name).toList());
        List<String> logs = names(home.logsDir(APP));
        for (int n : new int[] {5, 7, 8, 9, 10}) {
            assertTrue(logs.containsAll(List.of(id(n) + ".log", id(n) + ".log.1", id(n) + ".bots.log")), logs.toString());
        }
        assertEquals(15, logs.size(), logs.toString());
        assertEquals(List.of(id(6), id(4), id(3), id(2), id(1)), store.tombstones().stream().map(ReleaseRecord::id).toList());
        assertEquals(ReleaseRecord.FAILED, store.tombstones().get(2).outcome(), "a tombstone says what the release was");
        assertTrue(done.bytes() > 4 * 1000, "freed " + done.bytes());
        assertTrue(names(home.releasesDir(APP)).stream().noneMatch(n -> n.startsWith(".pruned-")));
    }

    @Test
    void aDryRunSaysWhatWouldGoAndChangesNothing() throws IOException {
        for (int n = 1; n <= 4; n++) {
            release(n, ReleaseRecord.LIVE, null);
        }
        store.switchCurrent(id(4));
        List<String> before = names(home.releasesDir(APP));
        List<String> logsBefore = names(home.logsDir(APP));

        ReleasePruner.Pruned would = retention.prune(APP, Optional.of(1), Set.of(), true);

        assertEquals(List.of(id(2), id(1)), would.of(What.RELEASE).stream().map(ReleasePruner.Removed::name).toList());
        assertEquals(before, names(home.releasesDir(APP)));
        assertEquals(logsBefore, names(home.logsDir(APP)));
        assertEquals(List.of(), store.tombstones());
        assertTrue(would.dryRun());
    }

    @Test
    void neverPrunesAReleaseAnInstanceRunsFromNorAnUnrecordedOneADeployIsStillWorkingOn() throws IOException {
        for (int n = 1; n <= 5; n++) {
            release(n, ReleaseRecord.LIVE, null);
        }
        store.switchCurrent(id(5));
        Files.createDirectories(store.dir(id(7)).resolve("app")); // published, not yet recorded: its deploy runs
        journal(id(7), false);
        Files.createDirectories(store.dir(id(6)).resolve("app")); // published, never recorded: its deploy is over
        journal(id(6), true);

        retention.prune(APP, Optional.of(1), Set.of(id(1)), false);

        assertEquals(List.of(ReleaseStore.TOMBSTONES, id(1), id(4), id(5), id(7)), names(home.releasesDir(APP)));
    }

    @Test
    void theAppsOwnKeepReleasesWinsOverTheServers() throws IOException {
        for (int n = 1; n <= 6; n++) {
            release(n, ReleaseRecord.LIVE, null);
        }
        store.switchCurrent(id(6));
        new AppSettings(false, 2, null, null).save(home.appSettings(APP));
        ReleaseRetention server4 = new ReleaseRetention(home, new ServerConfig(null, null, null, null, 4, null));

        assertEquals(2, server4.keepFor(APP));
        server4.prune(APP, Optional.empty(), Set.of(), false);
        assertEquals(List.of(ReleaseStore.TOMBSTONES, id(5), id(6)), names(home.releasesDir(APP)));
    }

    @Test
    void theLeftoversOfACrashedPruneAreSweptAndTheReleaseIsBuriedAgain() throws IOException {
        for (int n = 1; n <= 3; n++) {
            release(n, ReleaseRecord.LIVE, null);
        }
        store.switchCurrent(id(3));
        // a prune killed after renaming id(1) away, with a dir the app made read-only inside it
        Path leftover = home.releasesDir(APP).resolve(".pruned-" + id(1));
        Files.move(store.dir(id(1)), leftover);
        Path locked = Files.createDirectories(leftover.resolve("app").resolve("mod"));
        Files.writeString(locked.resolve("f"), "x");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));

        ReleasePruner.Pruned done = retention.prune(APP, Optional.of(5), Set.of(), false);

        assertEquals(List.of(".pruned-" + id(1)), done.of(What.LEFTOVER).stream().map(ReleasePruner.Removed::name).toList());
        assertEquals(List.of(id(2), id(3)), names(home.releasesDir(APP)));
        assertTrue(names(home.logsDir(APP)).stream().noneMatch(n -> n.startsWith(id(1))), "the logs of a release gone go too");
    }

    @Test
    void theHooksCacheKeepsOnlyEntriesKeptReleasesNameAndTheNewestForRecordsThatNameNone() throws IOException {
        String a = "a".repeat(64);
        String b = "b".repeat(64);
        String c = "c".repeat(64);
        String d = "d".repeat(64);
        hooksEntry(a, 1000);
        hooksEntry(b, 2000);
        hooksEntry(c, 3000);
        hooksEntry(d, 4000);
        Path api = Files.createDirectories(home.appDir(APP).resolve("hooks-cache").resolve("api-0123456789abcdef-java21"));
        release(1, ReleaseRecord.LIVE, a);
        release(2, ReleaseRecord.LIVE, b);
        release(3, ReleaseRecord.LIVE, null);
        store.switchCurrent(id(3));

        retention.prune(APP, Optional.of(1), Set.of(), false); // keeps 3 (names none) and 2 (the target, names b)

        assertEquals(List.of(api.getFileName().toString(), b, d), names(home.appDir(APP).resolve("hooks-cache")));
    }

    @Test
    void journalsBeyondAHundredGoButNeverAnUnfinishedOne() throws IOException {
        release(59, ReleaseRecord.LIVE, null);
        store.switchCurrent(id(59));
        List<String> ids = new ArrayList<>();
        for (int n = 1; n <= 110; n++) {
            String jid = String.format("20261130-%06d-%07x", n, n);
            ids.add(jid);
            journal(jid, n != 3);
        }

        ReleasePruner.Pruned done = retention.prune(APP, Optional.of(5), Set.of(), false);

        assertEquals(10, done.of(What.JOURNAL).size(), done.of(What.JOURNAL).toString());
        List<String> left = names(home.deploysDir(APP));
        assertEquals(101, left.size());
        assertTrue(left.contains(ids.get(2) + ".jsonl"), "an unfinished deploy's journal stays");
        assertTrue(left.contains(id(59) + ".jsonl"), "the live release's journal stays");
    }
}
