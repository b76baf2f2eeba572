package dev.sortie.release;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test records: {@code live("a", 3)} is a live-once release {@code a} that finished at minute 3. */
final class TestReleases {

    private TestReleases() {
    }

    /** A valid release id whose sha part is {@code name} padded: ids sort the way minutes do. */
    static String id(int minute, String name) {
        String sha = (name + "0000000").substring(0, 7).replaceAll("[^0-9a-f]", "a");
        return String.format("20261201-12%02d00-%s", minute, sha);
    }

    static ReleaseRecord record(String id, int minute, String outcome, String hooksHash) {
        Instant start = Instant.parse("2026-12-01T12:00:00Z").plusSeconds(60L * minute);
        return new ReleaseRecord(id, "hello", "abcdef1234567890abcdef1234567890abcdef12", "main", start, start.plusSeconds(30), outcome,
                ReleaseRecord.FAILED.equals(outcome) ? "healthcheck" : null, null, List.of(), 0, List.of(), "push", null, null, null, null,
                0, hooksHash, null, null);
    }

    static ReleaseRecord live(String id, int minute) {
        return record(id, minute, ReleaseRecord.LIVE, null);
    }

    static ReleaseRecord failed(String id, int minute) {
        return record(id, minute, ReleaseRecord.FAILED, null);
    }

    /** Newest first, as ReleaseStore.list gives them. */
    static List<ReleaseRecord> newestFirst(ReleaseRecord... records) {
        List<ReleaseRecord> out = new ArrayList<>(List.of(records));
        out.sort((a, b) -> b.id().compareTo(a.id()));
        return out;
    }
}
