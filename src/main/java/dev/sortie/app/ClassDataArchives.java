package dev.sortie.app;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Class-data-sharing archives for the JVMs Sortie starts itself (the daemon, its deploy workers):
 * install.sh builds one per kind of JVM from a real deploy ({@code -XX:ArchiveClassesAtExit}) into
 * {@code cds/} beside the installed jar, and a JVM started with its archive loads Sortie's classes
 * (Jackson, JGit, SnakeYAML...) already parsed and verified. An archive that is missing, or stale
 * (another jar or JDK), is ignored by the JVM: it then starts as it would without one. CDS logging
 * is off, so none of this ever reaches a log or a pusher.
 *
 * <p>While install.sh trains them it sets {@value #TRAINING_DIR}: every JVM then writes the
 * classes it loaded to an archive of its own there, and install.sh keeps the largest of each kind.
 */
final class ClassDataArchives {

    /** The environment variable naming the directory archives are written to while install.sh trains them. */
    static final String TRAINING_DIR = "SORTIE_CDS_TRAINING_DIR";

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
                    + TRAINED.incrementAndGet() + ".jsa");
            return List.of("-Xlog:cds*=off", "-XX:ArchiveClassesAtExit=" + archive);
        }
        return installedArchive(kind)
                .map(archive -> List.of("-Xlog:cds*=off", "-XX:SharedArchiveFile=" + archive))
                .orElse(List.of());
    }

    /** {@code cds/KIND.jsa} beside the jar we run from, when we run from one jar and that archive exists. */
    static Optional<Path> installedArchive(String kind) {
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.isEmpty() || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return Optional.empty();
        }
        Path dir = Path.of(classPath).toAbsolutePath().getParent();
        Path archive = dir == null ? null : dir.resolve("cds").resolve(kind + ".jsa");
        return archive != null && Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
    }
}
