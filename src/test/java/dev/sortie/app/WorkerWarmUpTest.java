package dev.sortie.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A spare worker's warm-up runs on scratch data: it leaves no trace, and it stops once a deploy has arrived. */
@Timeout(60)
class WorkerWarmUpTest {

    @TempDir
    Path home;

    private Sortie sortie() {
        return new Sortie(new SortieHome(home), ServerConfig.defaults(), Path.of(System.getProperty("java.home")), List.of("java"));
    }

    @Test
    void leavesTheHomeAndTheTempDirAsItFoundThem() throws IOException {
        Files.createDirectories(home.resolve("apps"));
        Set<Path> homeBefore = tree(home);
        Set<Path> scratchBefore = scratchDirs();

        WorkerWarmUp.run(sortie(), () -> false);

        assertEquals(homeBefore, tree(home), "nothing written under SORTIE_HOME");
        assertEquals(scratchBefore, scratchDirs(), "its scratch directory is removed");
    }

    @Test
    void withALiveReleaseItReadsTheReleasesAndWritesNothingOfTheApps() throws IOException {
        String id = "20261201-120000-abcdef1";
        ReleaseStore store = new ReleaseStore(home.resolve("apps/shop/releases"), home.resolve("apps/shop/current"));
        Files.createDirectories(store.dir(id).resolve(ReleaseStore.APP_DIR));
        Files.writeString(store.dir(id).resolve(ReleaseStore.APP_DIR).resolve("server.py"), "print('hi')\n");
        Instant at = Instant.parse("2026-12-01T12:00:00Z");
        store.writeRecord(new ReleaseRecord(id, "shop", "abcdef1234567890abcdef1234567890abcdef12", "main", at, at.plusSeconds(3),
                ReleaseRecord.LIVE, null, null, List.of(), 0, List.of(), "push", null, null, null, null, 0, null, null, null));
        store.switchCurrent(id);
        Files.createDirectories(home.resolve("apps/shop/deploys"));
        Files.writeString(home.resolve("apps/shop/deploys/" + id + ".jsonl"), "");
        Set<Path> homeBefore = tree(home);
        byte[] recordBefore = Files.readAllBytes(store.dir(id).resolve("release.json"));

        WorkerWarmUp.run(sortie(), () -> false);

        assertEquals(homeBefore, tree(home), "nothing written under SORTIE_HOME");
        assertArrayEquals(recordBefore, Files.readAllBytes(store.dir(id).resolve("release.json")));
        assertEquals(store.dir(id), store.dir(store.currentId().orElseThrow()), "current is where it was");
    }

    @Test
    void aDeployThatHasArrivedStopsItBeforeItsFirstPart() throws IOException {
        long start = System.nanoTime();
        WorkerWarmUp.run(sortie(), () -> true);
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
        assertEquals(Set.of(), tree(home));
    }

    @Test
    void aJvmNotStartedFromAnInstalledJarGetsNoArchiveOptions() {
        // the tests run from target/classes and their dependencies: nothing install.sh built applies
        assertEquals(List.of(), ClassDataArchives.options("worker"));
    }

    private static Set<Path> tree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> !p.equals(root)).map(root::relativize).collect(Collectors.toSet());
        }
    }

    private static Set<Path> scratchDirs() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("sortie-warm-up")).collect(Collectors.toSet());
        }
    }
}
