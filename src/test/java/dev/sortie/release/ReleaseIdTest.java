package dev.sortie.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReleaseIdTest {

    private static final Instant T = Instant.parse("2026-11-21T12:03:05.987Z");

    @Test
    void utcTimeAndShortSha() {
        assertEquals("20261121-120305-3f2a9c1", ReleaseId.of(T, "3f2a9c1d4e5f60718293a4b5c6d7e8f901234567"));
        assertEquals("20261121-120305-3f2a9c1", ReleaseId.of(T, "3f2a9c1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3f2a9c", "3F2A9C1", "not-a-sha", "3f2a9c1/../x", ""})
    void notACommit(String commit) {
        var e = assertThrows(IllegalArgumentException.class, () -> ReleaseId.of(T, commit));
        assertEquals("not a commit id: " + commit, e.getMessage());
    }

    @Test
    void uniqueAddsACounterWhenTaken() {
        assertEquals("20261121-120305-3f2a9c1", ReleaseId.unique(T, "3f2a9c1", id -> false));
        assertEquals("20261121-120305-3f2a9c1-2",
                ReleaseId.unique(T, "3f2a9c1", Set.of("20261121-120305-3f2a9c1")::contains));
        assertEquals("20261121-120305-3f2a9c1-3",
                ReleaseId.unique(T, "3f2a9c1", Set.of("20261121-120305-3f2a9c1", "20261121-120305-3f2a9c1-2")::contains));
    }

    @Test
    void idsSortByTime() {
        String earlier = ReleaseId.of(Instant.parse("2026-01-02T09:00:00Z"), "fffffff");
        String later = ReleaseId.of(Instant.parse("2026-01-02T10:00:00Z"), "0000000");
        assertTrue(earlier.compareTo(later) < 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"20261121-120305-3f2a9c1", "20261121-120305-3f2a9c1-2", "20261121-120305-3f2a9c1-12"})
    void valid(String id) {
        assertTrue(ReleaseId.isValid(id), id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "current", ".partial-20261121-120305-3f2a9c1", "20261121-120305-3f2a9c", "20261121-120305-3F2A9C1",
        "20261121-120305-3f2a9c1-", "20261121-120305-3f2a9c1-x", "../20261121-120305-3f2a9c1", "2026112-120305-3f2a9c1"})
    void invalid(String id) {
        assertFalse(ReleaseId.isValid(id), id);
    }

    @Test
    void nullIsInvalid() {
        assertFalse(ReleaseId.isValid(null));
    }
}
