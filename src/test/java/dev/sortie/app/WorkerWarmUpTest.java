package dev.sortie.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
