package dev.sortie.release;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The status of each release, computed (never written) from what is true now: the records,
 * the release {@code current} names, the releases an instance runs from, and those pruned.
 */
public final class ReleaseStatuses {

    private ReleaseStatuses() {
    }

    /**
     * Each release's status, in the order of {@code records}.
     *
     * @param records newest first, pruned ones' tombstones included
     * @param current the release {@code current} points at, if any
     * @param running releases the supervisor has an instance of (none are known when the daemon is down)
     * @param pruned  releases whose artifact is gone: a tombstone, or a record without its {@code app/} dir
     */
    public static Map<String, ReleaseStatus> of(List<ReleaseRecord> records, Optional<String> current, Set<String> running,
            Set<String> pruned) {
        Optional<String> previous = previous(records, current, pruned);
        Map<String, ReleaseStatus> out = new LinkedHashMap<>();
        for (ReleaseRecord r : records) {
            String id = r.id();
            ReleaseStatus status;
            if (current.equals(Optional.of(id))) {
                status = ReleaseStatus.LIVE;
            } else if (pruned.contains(id)) {
                status = ReleaseStatus.PRUNED;
            } else if (!r.isLive()) {
                status = ReleaseStatus.FAILED;
            } else if (running.contains(id)) {
                status = ReleaseStatus.STANDBY;
            } else if (previous.equals(Optional.of(id))) {
                status = ReleaseStatus.PREVIOUS;
            } else {
                status = ReleaseStatus.SUPERSEDED;
            }
            out.putIfAbsent(id, status);
        }
        return out;
    }

    /**
     * The rollback target: of the releases that were live once (outcome {@code live}), not current and
     * not pruned, the one that finished last before the live release finished. A rollback release is a
     * release of its own, so rolling back twice goes back and forth. Empty when nothing is live.
     */
    public static Optional<String> previous(List<ReleaseRecord> records, Optional<String> current, Set<String> pruned) {
        if (current.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> liveSince = records.stream().filter(r -> r.id().equals(current.get())).findFirst().map(ReleaseStatuses::finished);
        return records.stream()
                .filter(ReleaseRecord::isLive)
                .filter(r -> !r.id().equals(current.get()) && !pruned.contains(r.id()))
                .filter(r -> liveSince.isEmpty() || !finished(r).isAfter(liveSince.get()))
                .max(Comparator.comparing(ReleaseStatuses::finished).thenComparing(ReleaseRecord::id))
                .map(ReleaseRecord::id);
    }

    /** When a release went live (or failed); older records without a finish time count from their start, then not at all. */
    private static Instant finished(ReleaseRecord r) {
        return r.finishedAt() != null ? r.finishedAt() : r.startedAt() != null ? r.startedAt() : Instant.MIN;
    }
}
