package dev.sortie.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Carries a {@link Retention.Plan} out on disk, crash-safe: a dir is renamed to {@code .pruned-<name>}
 * before it is deleted, so a half-deleted release never has a real id, and the leftovers of a crash
 * are swept next time. The caller holds the app's deploy lock.
 */
public final class ReleasePruner {

    static final String LEFTOVER = ".pruned-";
    private static final Pattern LOG_OF = Pattern.compile("(\\d{8}-\\d{6}-[0-9a-f]{7}(?:-\\d+)?)\\..+");
    private static final Pattern HOOKS_ENTRY = Pattern.compile("[0-9a-f]{64}");
    private static final String JOURNAL_SUFFIX = ".jsonl";

    /** What one removal was about. */
    public enum What { RELEASE, ARTIFACT, LOG, HOOKS, JOURNAL, LEFTOVER }

    /**
     * One thing removed (or, in a dry run, that would be).
     *
     * @param name  a release id, a log or journal file name, a hooks-cache entry
     * @param bytes what deleting it frees: files still hard-linked from elsewhere (a rollback's artifact) do not count
     */
    public record Removed(What what, String name, long bytes) {
    }

    /** Everything one prune removed. */
    public record Pruned(List<Removed> removed, boolean dryRun) {

        public Pruned {
            removed = List.copyOf(removed);
        }

        public long bytes() {
            return removed.stream().mapToLong(Removed::bytes).sum();
        }

        public List<Removed> of(What what) {
            return removed.stream().filter(r -> r.what() == what).toList();
        }
    }

    private final ReleaseStore store;
    private final Path logs;
    private final Path hooksCache;
    private final Path journals;

    /**
     * @param logs       the app's {@code logs/}: {@code <id>.log}, {@code <id>.bots.log} and their rotated copies
     * @param hooksCache the app's {@code hooks-cache/}
     * @param journals   the app's {@code deploys/}, one {@code <id>.jsonl} per deploy
     */
    public ReleasePruner(ReleaseStore store, Path logs, Path hooksCache, Path journals) {
        this.store = store;
        this.logs = logs;
        this.hooksCache = hooksCache;
        this.journals = journals;
    }

    /**
     * @param plan            what stays and what goes
     * @param journalFinished whether a deploy's journal says it ended (an unfinished one is never deleted)
     * @param dryRun          only say what would go
     */
    public Pruned apply(Retention.Plan plan, Predicate<String> journalFinished, boolean dryRun) throws IOException {
        List<Removed> removed = new ArrayList<>();
        for (Path dir : List.of(store.root(), hooksCache)) {
            for (Path leftover : children(dir, name -> name.startsWith(LEFTOVER))) {
                removed.add(new Removed(What.LEFTOVER, leftover.getFileName().toString(), freed(leftover)));
                if (!dryRun) {
                    FileTrees.delete(leftover);
                }
            }
        }
        for (String id : plan.failedKept()) {
            Path artifact = store.dir(id).resolve(ReleaseStore.APP_DIR);
            if (Files.isDirectory(artifact, LinkOption.NOFOLLOW_LINKS)) {
                removed.add(new Removed(What.ARTIFACT, id, freed(artifact)));
                if (!dryRun) {
                    renameAndDelete(artifact, store.root().resolve(LEFTOVER + id + "." + ReleaseStore.APP_DIR));
                }
            }
        }
        Set<String> gone = new HashSet<>();
        for (String id : plan.pruned()) {
            Path dir = store.dir(id);
            removed.add(new Removed(What.RELEASE, id, freed(dir)));
            gone.add(id);
            if (!dryRun) {
                Optional<ReleaseRecord> record = store.read(id);
                if (record.isPresent()) {
                    store.bury(record.get()); // first: a crash after the rename must not lose what the release was
                }
                renameAndDelete(dir, store.root().resolve(LEFTOVER + id));
            }
        }
        removed.addAll(logs(plan, gone, dryRun));
        removed.addAll(hooks(plan, dryRun));
        removed.addAll(journals(plan, journalFinished, dryRun));
        return new Pruned(removed, dryRun);
    }

    /**
     * The logs of pruned releases, and of releases long gone: a log whose release does not stay and is
     * older than the newest that does (a deploy under way is always newer than the live release).
     */
    private List<Removed> logs(Retention.Plan plan, Set<String> gone, boolean dryRun) throws IOException {
        Set<String> remaining = plan.remaining();
        Optional<String> newest = remaining.stream().max(Comparator.naturalOrder());
        List<Removed> removed = new ArrayList<>();
        for (Path file : children(logs, name -> true)) {
            Matcher m = LOG_OF.matcher(file.getFileName().toString());
            if (!m.matches() || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String id = m.group(1);
            boolean old = !remaining.contains(id) && newest.map(n -> id.compareTo(n) < 0).orElse(false);
            if (gone.contains(id) || old) {
                removed.add(new Removed(What.LOG, file.getFileName().toString(), freed(file)));
                if (!dryRun) {
                    Files.deleteIfExists(file);
                }
            }
        }
        return removed;
    }

    private List<Removed> hooks(Retention.Plan plan, boolean dryRun) throws IOException {
        Map<String, Long> entries = new HashMap<>();
        for (Path entry : children(hooksCache, name -> HOOKS_ENTRY.matcher(name).matches())) {
            entries.put(entry.getFileName().toString(), Files.getLastModifiedTime(entry).toMillis());
        }
        List<ReleaseRecord> remaining = plan.remaining().stream().map(store::read).flatMap(Optional::stream).toList();
        List<Removed> removed = new ArrayList<>();
        for (String key : Retention.unusedHooks(entries, remaining)) {
            Path entry = hooksCache.resolve(key);
            removed.add(new Removed(What.HOOKS, key, freed(entry)));
            if (!dryRun) {
                renameAndDelete(entry, hooksCache.resolve(LEFTOVER + key));
            }
        }
        return removed;
    }

    private List<Removed> journals(Retention.Plan plan, Predicate<String> finished, boolean dryRun) throws IOException {
        List<String> ids = children(journals, name -> name.endsWith(JOURNAL_SUFFIX)).stream()
                .map(f -> f.getFileName().toString())
                .map(name -> name.substring(0, name.length() - JOURNAL_SUFFIX.length()))
                .sorted(Comparator.reverseOrder())
                .toList();
        List<Removed> removed = new ArrayList<>();
        for (String id : Retention.oldJournals(ids, plan.remaining(), finished, Retention.JOURNALS_KEPT)) {
            Path file = journals.resolve(id + JOURNAL_SUFFIX);
            removed.add(new Removed(What.JOURNAL, file.getFileName().toString(), freed(file)));
            if (!dryRun) {
                Files.deleteIfExists(file);
            }
        }
        return removed;
    }

    private static List<Path> children(Path dir, Predicate<String> name) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> name.test(p.getFileName().toString())).sorted().toList();
        }
    }

    /** Renames {@code dir} out of the way (atomically, in the same directory), then deletes it. */
    private static void renameAndDelete(Path dir, Path leftover) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        FileTrees.delete(leftover);
        Files.move(dir, leftover, StandardCopyOption.ATOMIC_MOVE);
        FileTrees.delete(leftover);
    }

    /** Bytes deleting {@code path} frees: regular files with no other hard link. */
    static long freed(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(ReleasePruner::ownBytes).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0; // a count, not a reason to stop pruning
        }
    }

    private static long ownBytes(Path file) {
        try {
            Object links = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            if (links instanceof Integer n && n > 1) {
                return 0;
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            // no unix view (Jimfs): count it
        }
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
