package dev.sortie.release;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sortie.config.Ownership;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An app's releases: {@code releases/<id>/app/} holds the files the instance runs from,
 * {@code releases/<id>/release.json} the record, and {@code current} points at the live one.
 */
public final class ReleaseStore {

    public static final String RECORD = "release.json";
    public static final String APP_DIR = "app";
    /** What the records of pruned releases said, one JSON line each, newest last. */
    public static final String TOMBSTONES = ".tombstones.jsonl";
    /** How many tombstones an app keeps: enough history for "that release was pruned", bounded. */
    static final int TOMBSTONES_KEPT = 200;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final ObjectWriter LINE = JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    private final Path releases;
    private final Path current;

    public ReleaseStore(Path releases, Path current) {
        this.releases = releases;
        this.current = current;
    }

    public Path dir(String id) {
        if (!ReleaseId.isValid(id)) {
            throw new IllegalArgumentException("not a release id: " + id);
        }
        return releases.resolve(id);
    }

    public boolean exists(String id) {
        return Files.exists(dir(id)) || Files.exists(staging(id));
    }

    /** Where a release is assembled before it is renamed into place, so no half-copied release ever has a real id. */
    public Path staging(String id) {
        return releases.resolve(".partial-" + id);
    }

    /** Renames a fully written staging dir to its final place. */
    public Path publish(String id) throws IOException {
        Path target = dir(id);
        Files.move(staging(id), target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /**
     * Makes release {@code id} from release {@code source} without a rebuild: its {@code app/} files are
     * hard links to the source's (copies where the file system cannot link), beside an environment
     * snapshot of its own. Assembled in the staging dir and renamed into place.
     *
     * @return the new release's dir
     */
    public Path linkFrom(String source, String id, Map<String, String> env) throws IOException {
        Path from = dir(source).resolve(APP_DIR);
        if (!Files.isDirectory(from)) {
            throw new NoSuchFileException(from.toString(), null, "the release's files are gone (pruned)");
        }
        Path staging = staging(id);
        Path to = staging.resolve(APP_DIR);
        Files.createDirectories(staging);
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failed) throws IOException {
                if (failed != null) {
                    throw failed;
                }
                // after its entries: a read-only directory (0555) must still be filled first
                Files.setPosixFilePermissions(to.resolve(from.relativize(dir).toString()),
                        Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else {
                    try {
                        Files.createLink(target, file);
                    } catch (UnsupportedOperationException | IOException e) {
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        EnvFile.write(staging.resolve(EnvFile.SNAPSHOT), env, "config of release " + id + " (a snapshot: change config with sortie config set)");
        return publish(id);
    }

    /** Writes a release's environment snapshot (mode 0600); for a built release, once its instance is live. */
    public void writeEnv(String id, Map<String, String> env) throws IOException {
        EnvFile.write(dir(id).resolve(EnvFile.SNAPSHOT), env, "config of release " + id + " (a snapshot: change config with sortie config set)");
    }

    /** A release's environment snapshot; empty when it has none (made before snapshots existed, or it failed early). */
    public Optional<Map<String, String>> readEnv(String id) throws IOException {
        Path file = dir(id).resolve(EnvFile.SNAPSHOT);
        return Files.exists(file) ? Optional.of(EnvFile.read(file)) : Optional.empty();
    }

    /** Bytes of a release's {@code app/} files (links count in full), 0 when they are gone. */
    public long artifactBytes(String id) {
        Path app = dir(id).resolve(APP_DIR);
        if (!Files.isDirectory(app)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(app)) {
            return files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** Writes release.json once, atomically: a reader sees no record or a whole one. */
    public void writeRecord(ReleaseRecord record) throws IOException {
        Path dir = dir(record.id());
        Files.createDirectories(dir);
        Path target = dir.resolve(RECORD);
        if (Files.exists(target)) {
            throw new IOException(target + " already exists: release records are never rewritten");
        }
        Path tmp = dir.resolve("." + RECORD + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(record));
        try (var ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Ownership.likeDir(dir);
        Ownership.likeDir(target);
    }

    public Optional<ReleaseRecord> read(String id) {
        Path file = dir(id).resolve(RECORD);
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), ReleaseRecord.class));
        } catch (NoSuchFileException | FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Every recorded release, newest first. */
    public List<ReleaseRecord> list() {
        if (!Files.isDirectory(releases)) {
            return List.of();
        }
        List<ReleaseRecord> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(releases)) {
            for (Path d : dirs.sorted(Comparator.reverseOrder()).toList()) {
                String id = d.getFileName().toString();
                if (ReleaseId.isValid(id)) {
                    read(id).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Whether the release still has the files its instance runs from. */
    public boolean hasArtifact(String id) {
        return Files.isDirectory(dir(id).resolve(APP_DIR));
    }

    /** The releases dir itself, for retention's renames and leftovers. */
    public Path root() {
        return releases;
    }

    /** Ids of release dirs without a record: a deploy that died between publishing and recording, or one under way. */
    public List<String> unrecorded() {
        if (!Files.isDirectory(releases)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(releases)) {
            return dirs.map(d -> d.getFileName().toString())
                    .filter(ReleaseId::isValid)
                    .filter(id -> !Files.exists(releases.resolve(id).resolve(RECORD)))
                    .sorted(Comparator.reverseOrder())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The records of pruned releases, newest first; a torn last line (a crash while burying) is skipped. */
    public List<ReleaseRecord> tombstones() {
        Path file = releases.resolve(TOMBSTONES);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException | FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, ReleaseRecord> byId = new TreeMap<>(Comparator.reverseOrder());
        for (String line : lines) {
            try {
                ReleaseRecord r = JSON.readValue(line, ReleaseRecord.class);
                if (r != null && ReleaseId.isValid(r.id())) {
                    byId.put(r.id(), r);
                }
            } catch (IOException torn) {
                // the line a crash cut short; the release's own record was still there, and is buried again
            }
        }
        return List.copyOf(byId.values());
    }

    /** Keeps what a record said before its release is pruned: appended, and the file trimmed to the newest few hundred. */
    public void bury(ReleaseRecord record) throws IOException {
        List<ReleaseRecord> known = tombstones();
        if (known.stream().anyMatch(r -> r.id().equals(record.id()))) {
            return;
        }
        Files.createDirectories(releases);
        Path file = releases.resolve(TOMBSTONES);
        if (known.size() + 1 > TOMBSTONES_KEPT) {
            List<ReleaseRecord> keep = new ArrayList<>(known.subList(0, TOMBSTONES_KEPT - 1).reversed());
            StringBuilder text = new StringBuilder();
            for (ReleaseRecord r : keep) {
                text.append(LINE.writeValueAsString(r)).append('\n');
            }
            Path tmp = releases.resolve("." + TOMBSTONES + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        // after a torn line (a crash mid-append) the new tombstone starts a line of its own
        boolean torn = Files.exists(file) && Files.size(file) > 0 && !Files.readString(file).endsWith("\n");
        Files.writeString(file, (torn ? "\n" : "") + LINE.writeValueAsString(record) + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Every release the app has had, newest first: the records on disk, then the tombstones of those pruned. */
    public List<ReleaseRecord> history() {
        List<ReleaseRecord> all = new ArrayList<>(list());
        Set<String> onDisk = new HashSet<>(all.stream().map(ReleaseRecord::id).toList());
        tombstones().stream().filter(r -> !onDisk.contains(r.id())).forEach(all::add);
        all.sort(Comparator.comparing(ReleaseRecord::id).reversed());
        return all;
    }

    /** The id {@code current} points at, if any. */
    public Optional<String> currentId() {
        try {
            Path target = Files.readSymbolicLink(current);
            return Optional.of(target.getFileName().toString());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + current, e);
        }
    }

    public Optional<ReleaseRecord> currentRecord() {
        return currentId().flatMap(this::read);
    }

    /** Points {@code current} at a release atomically: a new link is made beside it and renamed over it. */
    public void switchCurrent(String id) throws IOException {
        Path target = dir(id);
        if (!Files.isDirectory(target)) {
            throw new NoSuchFileException(target.toString(), null, "release does not exist");
        }
        Path tmp = current.resolveSibling(".current-" + id + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, current.getParent().relativize(target));
        try {
            // whether ATOMIC_MOVE alone replaces an existing target is up to the file system; ask for it
            Files.move(tmp, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
