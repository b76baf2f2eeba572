package dev.sortie.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReleaseStoreTest {

    private static final String OLD = "20261121-120305-3f2a9c1";
    private static final String MID = "20261121-130000-aaaaaaa";
    private static final String NEW = "20261122-080000-0b1c2d3";

    private FileSystem fs;
    private Path appDir;
    private Path releases;
    private Path current;
    private ReleaseStore store;

    @BeforeEach
    void setUp() throws IOException {
        fs = Jimfs.newFileSystem(Configuration.unix());
        appDir = Files.createDirectories(fs.getPath("/home/sortie/apps/hello"));
        releases = Files.createDirectories(appDir.resolve("releases"));
        current = appDir.resolve("current");
        store = new ReleaseStore(releases, current);
    }

    @AfterEach
    void tearDown() throws IOException {
        fs.close();
    }

    private static ReleaseRecord record(String id, String outcome) {
        return new ReleaseRecord(id, "hello", "3f2a9c1d4e5f60718293a4b5c6d7e8f901234567", "main",
                Instant.parse("2026-11-21T12:03:05Z"), Instant.parse("2026-11-21T12:03:41.250Z"), outcome,
                outcome.equals(ReleaseRecord.FAILED) ? "compile" : null,
                outcome.equals(ReleaseRecord.FAILED) ? "mvn -B -q compile exited with 1" : null,
                List.of(new ReleaseRecord.StepTime("deps", 1.5, true), new ReleaseRecord.StepTime("compile", 4.1, outcome.equals("live"))),
                outcome.equals("live") ? 41234 : 0,
                outcome.equals("live") ? List.of("java", "-jar", "app.jar") : List.of());
    }

    private void published(String id) throws IOException {
        Files.createDirectories(store.staging(id).resolve(ReleaseStore.APP_DIR));
        store.publish(id);
        store.writeRecord(record(id, ReleaseRecord.LIVE));
    }

    @Test
    void dirRejectsInvalidIds() {
        assertEquals(releases.resolve(OLD), store.dir(OLD));
        var e = assertThrows(IllegalArgumentException.class, () -> store.dir("../../etc"));
        assertEquals("not a release id: ../../etc", e.getMessage());
    }

    @Test
    void stagingThenPublish() throws IOException {
        Path staging = store.staging(OLD);
        assertEquals(releases.resolve(".partial-" + OLD), staging);
        assertFalse(store.exists(OLD));
        Files.createDirectories(staging.resolve("app"));
        Files.writeString(staging.resolve("app/app.jar"), "jar bytes");
        assertTrue(store.exists(OLD), "a staged release already takes its id");

        Path published = store.publish(OLD);

        assertEquals(releases.resolve(OLD), published);
        assertFalse(Files.exists(staging));
        assertEquals("jar bytes", Files.readString(published.resolve("app/app.jar")));
        assertTrue(store.exists(OLD));
    }

    @Test
    void recordReadsBackEqual() throws IOException {
        ReleaseRecord live = record(OLD, ReleaseRecord.LIVE);
        ReleaseRecord failed = record(NEW, ReleaseRecord.FAILED);
        store.writeRecord(live);
        store.writeRecord(failed);
        assertEquals(Optional.of(live), store.read(OLD));
        assertEquals(Optional.of(failed), store.read(NEW));
        assertTrue(store.read(OLD).orElseThrow().isLive());
        assertFalse(store.read(NEW).orElseThrow().isLive());
        String json = Files.readString(releases.resolve(OLD).resolve(ReleaseStore.RECORD));
        assertTrue(json.contains("\"started_at\" : \"2026-11-21T12:03:05Z\""), json);
        assertFalse(Files.exists(releases.resolve(OLD).resolve(".release.json.tmp")));
    }

    @Test
    void recordIsWrittenOnlyOnce() throws IOException {
        store.writeRecord(record(OLD, ReleaseRecord.FAILED));
        var e = assertThrows(IOException.class, () -> store.writeRecord(record(OLD, ReleaseRecord.LIVE)));
        assertTrue(e.getMessage().endsWith("release.json already exists: release records are never rewritten"), e.getMessage());
        assertEquals(ReleaseRecord.FAILED, store.read(OLD).orElseThrow().outcome());
    }

    @Test
    void readOfAReleaseWithoutRecordIsEmpty() throws IOException {
        Files.createDirectories(releases.resolve(OLD));
        assertEquals(Optional.empty(), store.read(OLD));
        assertEquals(Optional.empty(), store.read(NEW));
    }

    @Test
    void listIsNewestFirstAndSkipsUnrecordedAndPartialDirs() throws IOException {
        store.writeRecord(record(MID, ReleaseRecord.FAILED));
        store.writeRecord(record(OLD, ReleaseRecord.LIVE));
        store.writeRecord(record(NEW, ReleaseRecord.LIVE));
        Files.createDirectories(releases.resolve("20261123-000000-1234567")); // no release.json yet
        Files.createDirectories(store.staging("20261124-000000-7654321"));
        Files.writeString(store.staging("20261124-000000-7654321").resolve(ReleaseStore.RECORD), "{}");
        Files.createDirectories(releases.resolve("notes"));

        assertEquals(List.of(NEW, MID, OLD), store.list().stream().map(ReleaseRecord::id).toList());
    }

    @Test
    void listWithoutReleasesDir() {
        assertEquals(List.of(), new ReleaseStore(appDir.resolve("nowhere"), current).list());
    }

    @Test
    void switchCurrentUsesARelativeLink() throws IOException {
        published(OLD);
        assertEquals(Optional.empty(), store.currentId());

        store.switchCurrent(OLD);

        assertTrue(Files.isSymbolicLink(current));
        assertEquals(fs.getPath("releases", OLD), Files.readSymbolicLink(current));
        assertEquals(releases.resolve(OLD).toRealPath(), current.toRealPath());
        assertEquals(Optional.of(OLD), store.currentId());
        assertEquals(OLD, store.currentRecord().orElseThrow().id());
    }

    @Test
    void switchingAgainReplacesTheLink() throws IOException {
        published(OLD);
        published(NEW);
        store.switchCurrent(OLD);

        store.switchCurrent(NEW);

        assertEquals(fs.getPath("releases", NEW), Files.readSymbolicLink(current));
        assertEquals(Optional.of(NEW), store.currentId());
        try (var siblings = Files.list(appDir)) {
            assertEquals(List.of("current", "releases"), siblings.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary link is left behind");
        }
    }

    @Test
    void switchToAMissingReleaseLeavesCurrentAlone() throws IOException {
        published(OLD);
        store.switchCurrent(OLD);

        assertThrows(NoSuchFileException.class, () -> store.switchCurrent(NEW));
        Files.createDirectories(store.staging(MID));
        assertThrows(NoSuchFileException.class, () -> store.switchCurrent(MID), "a staged release is not switchable");

        assertEquals(fs.getPath("releases", OLD), Files.readSymbolicLink(current));
        assertEquals(Optional.of(OLD), store.currentId());
    }

    @Test
    void switchToAnInvalidIdThrows() {
        assertThrows(IllegalArgumentException.class, () -> store.switchCurrent("../../tmp"));
        assertFalse(Files.exists(current, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void tombstonesAreKeptOnceEachNewestFirstBoundedAndATornLineIsSkipped() throws IOException {
        for (int n = 0; n < ReleaseStore.TOMBSTONES_KEPT + 5; n++) {
            store.bury(record(String.format("20261121-%06d-aaaaaaa", n), "live"));
        }
        store.bury(record("20261121-000007-aaaaaaa", "live")); // buried again after a crash: still once
        Files.writeString(releases.resolve(ReleaseStore.TOMBSTONES), "{\"id\": \"2026", java.nio.file.StandardOpenOption.APPEND);
        List<ReleaseRecord> tombstones = store.tombstones();
        assertEquals(ReleaseStore.TOMBSTONES_KEPT, tombstones.size());
        assertEquals(String.format("20261121-%06d-aaaaaaa", ReleaseStore.TOMBSTONES_KEPT + 4), tombstones.getFirst().id());
        assertEquals("20261121-000005-aaaaaaa", tombstones.getLast().id(), "the oldest go first");
        assertEquals(List.of(), store.list(), "tombstones are not records");
        store.bury(record("20261122-000000-bbbbbbb", "failed"));
        assertEquals("20261122-000000-bbbbbbb", store.tombstones().getFirst().id(), "a tombstone after a torn line is read");
    }
}
