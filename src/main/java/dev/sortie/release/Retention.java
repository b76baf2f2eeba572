package dev.sortie.release;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which releases an app keeps, as a pure function: never the live release, the rollback target or
 * one an instance runs from; the newest {@code keep} that were live once; the newest failed ones
 * (their records and logs, not their artifacts); everything else is pruned.
 */
public final class Retention {

    /** How many failed releases keep their record and logs, apart from {@code keep_releases}. */
    public static final int FAILED_KEPT = 3;
    /** How many finished deploy journals an app keeps, whatever became of their releases. */
    public static final int JOURNALS_KEPT = 100;

    private Retention() {
    }

    /**
     * What to do with each release dir.
     *
     * @param kept       kept whole
     * @param failedKept failed releases kept with their record and logs; their {@code app/} dir goes
     * @param pruned     removed: the dir, its logs (a tombstone keeps what the record said)
     */
    public record Plan(List<String> kept, List<String> failedKept, List<String> pruned) {

        public Plan {
            kept = List.copyOf(kept);
            failedKept = List.copyOf(failedKept);
            pruned = List.copyOf(pruned);
        }

        /** Every release whose record stays. */
        public Set<String> remaining() {
            Set<String> all = new LinkedHashSet<>(kept);
            all.addAll(failedKept);
            return all;
        }
    }

    /**
     * @param records    the records on disk, newest first
     * @param unrecorded release dirs with an id but no record (a deploy that died between publishing and recording)
     * @param current    the release {@code current} points at
     * @param previous   the rollback target
     * @param protect    releases an instance runs from (standby, draining) or a deploy still works on: never pruned
     * @param keep       how many live-once releases to keep (at least 1)
     * @param failedKeep how many failed releases keep their record and logs
     */
    public static Plan plan(List<ReleaseRecord> records, Collection<String> unrecorded, Optional<String> current,
            Optional<String> previous, Set<String> protect, int keep, int failedKeep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep_releases must be at least 1, not " + keep);
        }
        Set<String> untouchable = new HashSet<>(protect);
        current.ifPresent(untouchable::add);
        previous.ifPresent(untouchable::add);
        List<String> kept = new ArrayList<>();
        List<String> failedKept = new ArrayList<>();
        List<String> pruned = new ArrayList<>();
        int liveOnce = 0;
        int failed = 0;
        for (ReleaseRecord r : records) {
            if (r.isLive()) {
                liveOnce++;
                (untouchable.contains(r.id()) || liveOnce <= keep ? kept : pruned).add(r.id());
            } else if (untouchable.contains(r.id())) {
                kept.add(r.id());
            } else {
                failed++;
                (failed <= failedKeep ? failedKept : pruned).add(r.id());
            }
        }
        for (String id : unrecorded.stream().sorted().toList()) {
            (untouchable.contains(id) ? kept : pruned).add(id);
        }
        return new Plan(kept, failedKept, pruned);
    }

    /**
     * The hooks-cache entries no remaining release uses. A remaining release recorded before releases
     * named their hooks ({@code hooksHash} null) keeps the newest entry, which is most likely its own.
     *
     * @param entries   each entry's name (its sha256) and when it was last written
     * @param remaining the records of the releases that stay
     */
    public static List<String> unusedHooks(Map<String, Long> entries, Collection<ReleaseRecord> remaining) {
        Set<String> used = new HashSet<>();
        remaining.stream().map(ReleaseRecord::hooksHash).filter(Objects::nonNull).forEach(used::add);
        if (remaining.stream().anyMatch(r -> r.hooksHash() == null)) {
            entries.entrySet().stream()
                    .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .ifPresent(newest -> used.add(newest.getKey()));
        }
        return entries.keySet().stream().filter(e -> !used.contains(e)).sorted().toList();
    }

    /**
     * The deploy journals to delete: beyond the newest {@code max}, those that are finished and whose
     * release does not stay. A queued or running deploy's journal is never deleted.
     *
     * @param journals  deploy ids with a journal, newest first
     * @param remaining releases that stay
     * @param finished  whether a deploy's journal says it ended
     */
    public static List<String> oldJournals(List<String> journals, Set<String> remaining, Predicate<String> finished, int max) {
        return journals.stream().skip(max).filter(id -> !remaining.contains(id)).filter(finished).toList();
    }
}
