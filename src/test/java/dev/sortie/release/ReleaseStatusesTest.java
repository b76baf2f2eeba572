package dev.sortie.release;

import static dev.sortie.release.ReleaseStatus.FAILED;
import static dev.sortie.release.ReleaseStatus.LIVE;
import static dev.sortie.release.ReleaseStatus.PREVIOUS;
import static dev.sortie.release.ReleaseStatus.PRUNED;
import static dev.sortie.release.ReleaseStatus.STANDBY;
import static dev.sortie.release.ReleaseStatus.SUPERSEDED;
import static dev.sortie.release.TestReleases.failed;
import static dev.sortie.release.TestReleases.id;
import static dev.sortie.release.TestReleases.live;
import static dev.sortie.release.TestReleases.newestFirst;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Status computation, case by case: records, current, running instances and pruned ids in; a status per release out. */
@Timeout(10)
class ReleaseStatusesTest {

    static final String A = id(1, "a");
    static final String B = id(2, "b");
    static final String C = id(3, "c");
    static final String D = id(4, "d");
    static final String E = id(5, "e");

    private static Map<String, ReleaseStatus> statuses(List<ReleaseRecord> records, String current, Set<String> running,
            Set<String> pruned) {
        return ReleaseStatuses.of(records, Optional.ofNullable(current), running, pruned);
    }

    private static Map<String, ReleaseStatus> expect(Object... idThenStatus) {
        Map<String, ReleaseStatus> out = new LinkedHashMap<>();
        for (int i = 0; i < idThenStatus.length; i += 2) {
            out.put((String) idThenStatus[i], (ReleaseStatus) idThenStatus[i + 1]);
        }
        return out;
    }

    @Test
    void onlyTheCurrentReleaseIsLiveAndTheOneLiveBeforeItIsPrevious() {
        assertEquals(expect(C, LIVE, B, PREVIOUS, A, SUPERSEDED),
                statuses(newestFirst(live(A, 1), live(B, 2), live(C, 3)), C, Set.of(C), Set.of()));
    }

    @Test
    void aFailedReleaseIsFailedAndNeverTheRollbackTarget() {
        assertEquals(expect(C, FAILED, B, LIVE, A, PREVIOUS),
                statuses(newestFirst(live(A, 1), live(B, 2), failed(C, 3)), B, Set.of(B), Set.of()));
    }

    @Test
    void aPrunedReleaseIsNotTheRollbackTargetTheOneBeforeItIs() {
        assertEquals(expect(C, LIVE, B, PRUNED, A, PREVIOUS),
                statuses(newestFirst(live(A, 1), live(B, 2), live(C, 3)), C, Set.of(), Set.of(B)));
    }

    @Test
    void aReleaseAnInstanceStillRunsFromIsStandbyAndStillTheRollbackTarget() {
        var records = newestFirst(live(A, 1), live(B, 2), live(C, 3));
        assertEquals(expect(C, LIVE, B, STANDBY, A, SUPERSEDED), statuses(records, C, Set.of(B, C), Set.of()));
        assertEquals(Optional.of(B), ReleaseStatuses.previous(records, Optional.of(C), Set.of()));
    }

    @Test
    void aRollbackIsAReleaseOfItsOwnSoRollingBackAgainGoesForth() {
        // C was live, D rolled back to B's artifact: the target is now C, the release D replaced
        ReleaseRecord rollback = new ReleaseRecord(D, "hello", "abcdef1234567890abcdef1234567890abcdef12", "main",
                Instant.parse("2026-12-01T12:04:00Z"), Instant.parse("2026-12-01T12:04:01Z"), ReleaseRecord.LIVE, null, null, List.of(),
                0, List.of(), "rollback", B, null, null, null, 0, null, null, null);
        assertEquals(expect(D, LIVE, C, PREVIOUS, B, SUPERSEDED, A, SUPERSEDED),
                statuses(newestFirst(live(A, 1), live(B, 2), live(C, 3), rollback), D, Set.of(D), Set.of()));
    }

    @Test
    void theTargetIsByFinishTimeAndOnlyWhatWentLiveBeforeTheLiveRelease() {
        // current points at B (a later deploy's switch was undone): D finished after B, so it is not "before" it
        assertEquals(expect(D, SUPERSEDED, B, LIVE, A, PREVIOUS),
                statuses(newestFirst(live(A, 1), live(B, 2), live(D, 4)), B, Set.of(), Set.of()));
    }

    @Test
    void withNothingLiveThereIsNoRollbackTarget() {
        assertEquals(expect(B, FAILED, A, SUPERSEDED), statuses(newestFirst(live(A, 1), failed(B, 2)), null, Set.of(), Set.of()));
    }

    @Test
    void aTombstoneIsPrunedWhateverItsOutcomeWasAndAFailedRecordWithoutArtifactIsFailed() {
        assertEquals(expect(E, LIVE, D, FAILED, C, PRUNED, B, PRUNED, A, PREVIOUS),
                statuses(newestFirst(live(A, 1), failed(B, 2), live(C, 3), failed(D, 4), live(E, 5)), E, Set.of(E), Set.of(B, C)));
    }

    @Test
    void withTheDaemonDownNoReleaseIsStandby() {
        assertEquals(expect(C, LIVE, B, PREVIOUS, A, SUPERSEDED),
                statuses(newestFirst(live(A, 1), live(B, 2), live(C, 3)), C, Set.of(), Set.of()));
    }

    @Test
    void theLiveReleaseIsLiveEvenWithoutARecordOfWhatWentBefore() {
        assertEquals(expect(A, LIVE), statuses(newestFirst(live(A, 1)), A, Set.of(A), Set.of()));
        assertEquals(Optional.empty(), ReleaseStatuses.previous(newestFirst(live(A, 1)), Optional.of(A), Set.of()));
    }
}
