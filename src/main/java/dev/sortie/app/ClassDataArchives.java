package dev.sortie.app;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Class-data-sharing archives for the JVMs Sortie starts itself (the daemon, its deploy workers):
 * install.sh builds one per kind of JVM from a real deploy into {@code cds/} beside the installed
 * jar, and a JVM started with its archive finds Sortie's classes (Jackson, JGit, SnakeYAML...)
 * already parsed, verified and, with an AOT cache, linked. On JDK 25 and later that is an AOT
 * cache ({@code -XX:AOTCacheOutput}, {@code -XX:AOTCache}), before that a dynamic CDS archive
 * ({@code -XX:ArchiveClassesAtExit}, {@code -XX:SharedArchiveFile}); install.sh's launcher makes
 * the same choice. An archive that is missing, or stale (another jar or JDK), is ignored by the
 * JVM: it then starts as it would without one. CDS and AOT logging is off, so none of this ever
 * reaches a log or a pusher.
 *
 * <p>While install.sh trains them it sets {@value #TRAINING_DIR}: every JVM then writes what it
 * loaded to an archive of its own there as it exits, and install.sh keeps the largest of each kind.
 */
final class ClassDataArchives {

    /** The environment variable naming the directory archives are written to while install.sh trains them. */
    static final String TRAINING_DIR = "SORTIE_CDS_TRAINING_DIR";

    private static final boolean AOT = Runtime.version().feature() >= 25;
    private static final String EXTENSION = AOT ? ".aot" : ".jsa";
    private static final List<String> QUIET = AOT ? List.of("-Xlog:cds*=off", "-Xlog:aot*=off") : List.of("-Xlog:cds*=off");
    private static final AtomicLong TRAINED = new AtomicLong();

    private ClassDataArchives() {
    }

    /**
     * The JVM options for a JVM of {@code kind} ({@code server}, {@code worker}) that runs this
     * same installation; none when we do not run from an installed jar.
     */
    static List<String> options(String kind) {
        String training = System.getenv(TRAINING_DIR);
        if (training != null && !training.isBlank() && Files.isDirectory(Path.of(training))) {
            Path archive = Path.of(training).resolve(kind + "." + ProcessHandle.current().pid() + "-"
                    + TRAINED.incrementAndGet() + EXTENSION);
            return with((AOT ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive);
        }
        return installedArchive(kind)
                .map(archive -> with((AOT ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive))
                .orElse(List.of());
    }

    private static List<String> with(String option) {
        return Stream.concat(QUIET.stream(), Stream.of(option)).toList();
    }

    /** {@code cds/KIND.aot} (or {@code .jsa}) beside the jar we run from, when we run from one jar and that archive exists. */
    static Optional<Path> installedArchive(String kind) {
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.isEmpty() || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return Optional.empty();
        }
        Path dir = Path.of(classPath).toAbsolutePath().getParent();
        Path archive = dir == null ? null : dir.resolve("cds").resolve(kind + EXTENSION);
        return archive != null && Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
    }
}
