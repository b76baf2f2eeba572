package dev.sortie.release;

import static dev.sortie.release.TestReleases.failed;
import static dev.sortie.release.TestReleases.id;
import static dev.sortie.release.TestReleases.live;
import static dev.sortie.release.TestReleases.newestFirst;
import static dev.sortie.release.TestReleases.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retention as a pure function, case by case: records, live, previous, protected and keep in; kept, failed-kept and pruned out. */
@Timeout(10)
class RetentionTest {

    /** Ten releases r(1)..r(10), minute = index. */
    static String r(int n) {
        return id(n, Integer.toHexString(n));
    }

    static List<ReleaseRecord> liveOnce(int from, int to) {
        return newestFirst(IntStream.rangeClosed(from, to).mapToObj(n -> live(r(n), n)).toArray(ReleaseRecord[]::new));
    }

    static Retention.Plan plan(List<ReleaseRecord> records, String current, String previous, Set<String> protect, int keep) {
        return Retention.plan(records, List.of(), Optional.ofNullable(current), Optional.ofNullable(previous), protect, keep,
                Retention.FAILED_KEPT);
    }

    @Test
    void keepsTheNewestNLiveOnceAndPrunesTheRest() {
        Retention.Plan p = plan(liveOnce(1, 6), r(6), r(5), Set.of(), 3);
        assertEquals(List.of(r(6), r(5), r(4)), p.kept());
        assertEquals(List.of(r(3), r(2), r(1)), p.pruned());
        assertEquals(List.of(), p.failedKept());
    }

    @Test
    void neverPrunesTheLiveReleaseTheRollbackTargetOrAStandbyWhereverTheyAre() {
        // current points at an old release (a switch was undone), the target is older still, a standby older again
        Retention.Plan p = plan(liveOnce(1, 6), r(3), r(2), Set.of(r(1)), 1);
        assertEquals(List.of(r(6), r(3), r(2), r(1)), p.kept());
        assertEquals(List.of(r(5), r(4)), p.pruned());
    }

    @Test
    void keepsTheLastThreeFailedApartFromKeepReleasesAndPrunesOlderFailures() {
        List<ReleaseRecord> records = newestFirst(live(r(1), 1), failed(r(2), 2), failed(r(3), 3), live(r(4), 4), failed(r(5), 5),
                failed(r(6), 6), live(r(7), 7));
        Retention.Plan p = plan(records, r(7), r(4), Set.of(), 2);
        assertEquals(List.of(r(7), r(4)), p.kept());
        assertEquals(List.of(r(6), r(5), r(3)), p.failedKept());
        assertEquals(List.of(r(2), r(1)), p.pruned());
    }

    @Test
    void aFailedReleaseAnInstanceStillRunsFromKeepsItsArtifact() {
        List<ReleaseRecord> records = newestFirst(live(r(1), 1), failed(r(2), 2));
        Retention.Plan p = Retention.plan(records, List.of(), Optional.of(r(1)), Optional.empty(), Set.of(r(2)), 1, 0);
        assertEquals(List.of(r(2), r(1)), p.kept());
        assertEquals(List.of(), p.pruned());
    }

    @Test
    void failedKeepZeroPrunesEveryFailure() {
        List<ReleaseRecord> records = newestFirst(live(r(1), 1), failed(r(2), 2));
        Retention.Plan p = Retention.plan(records, List.of(), Optional.of(r(1)), Optional.empty(), Set.of(), 5, 0);
        assertEquals(List.of(r(2)), p.pruned());
    }

    @Test
    void aReleaseDirWithoutARecordIsPrunedUnlessADeployOrAnInstanceStillUsesIt() {
        Retention.Plan p = Retention.plan(liveOnce(1, 2), List.of(r(9), r(8)), Optional.of(r(2)), Optional.of(r(1)), Set.of(r(9)), 5,
                Retention.FAILED_KEPT);
        assertEquals(List.of(r(2), r(1), r(9)), p.kept());
        assertEquals(List.of(r(8)), p.pruned());
    }

    @Test
    void keepingAllOfFewerReleasesPrunesNothing() {
        Retention.Plan p = plan(liveOnce(1, 2), r(2), r(1), Set.of(), 5);
        assertEquals(List.of(r(2), r(1)), p.kept());
        assertEquals(List.of(), p.pruned());
    }

    @Test
    void keepBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> plan(liveOnce(1, 2), r(2), r(1), Set.of(), 0));
    }

    @Test
    void afterThirtyDeploysWithSomeFailuresTheKeptSetIsBounded() {
        List<ReleaseRecord> records = new ArrayList<>();
        for (int n = 1; n <= 30; n++) {
            records.add(n % 4 == 0 ? failed(id(n, Integer.toHexString(n)), n) : live(id(n, Integer.toHexString(n)), n));
        }
        List<ReleaseRecord> newest = newestFirst(records.toArray(ReleaseRecord[]::new));
        Retention.Plan p = plan(newest, id(30, "1e"), id(29, "1d"), Set.of(), 3);
        assertEquals(3, p.kept().size());
        assertEquals(List.of(id(28, "1c"), id(24, "18"), id(20, "14")), p.failedKept());
        assertEquals(30 - 3 - 3, p.pruned().size());
    }

    @Test
    void theHooksCacheKeepsWhatRemainingReleasesNameAndTheNewestForOldRecords() {
        Map<String, Long> entries = Map.of("aaa", 1L, "bbb", 2L, "ccc", 3L, "ddd", 4L);
        assertEquals(List.of("aaa", "ccc", "ddd"), Retention.unusedHooks(entries, List.of(record(r(1), 1, ReleaseRecord.LIVE, "bbb"))));
        assertEquals(List.of("aaa", "ccc"),
                Retention.unusedHooks(entries, List.of(record(r(1), 1, ReleaseRecord.LIVE, "bbb"), live(r(2), 2))));
        assertEquals(List.of(), Retention.unusedHooks(Map.of(), List.of(live(r(2), 2))));
    }

    @Test
    void journalsBeyondTheNewestMaxGoUnlessTheirReleaseStaysOrTheirDeployIsUnfinished() {
        List<String> journals = List.of("j5", "j4", "j3", "j2", "j1");
        assertEquals(List.of("j1"), Retention.oldJournals(journals, Set.of("j3"), id -> !id.equals("j2"), 2));
        assertEquals(List.of(), Retention.oldJournals(journals, Set.of(), id -> true, 5));
    }
}
