package dev.sortie.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestionsTest {

    @ParameterizedTest
    @CsvSource({
        "timeout, timeout, 0",
        "timout, timeout, 1",      // deletion
        "timeoutt, timeout, 1",    // insertion
        "tineout, timeout, 1",     // substitution
        "compiel, compile, 1",     // adjacent swap
        "ab, ba, 1",               // adjacent swap
        "abc, acb, 1",
        "kitten, sitting, 3",
        "'', abc, 3",
        "abc, '', 3",
        "aba, bab, 2",             // no single edit turns one into the other
        "abcd, badc, 2",           // two swaps
        "ca, abc, 3",              // optimal string alignment: a swapped pair is not edited again
    })
    void distance(String a, String b, int expected) {
        assertEquals(expected, Suggestions.distance(a, b), a + " -> " + b);
        assertEquals(expected, Suggestions.distance(b, a), b + " -> " + a);
    }

    @Test
    void nearestPicksTheClosest() {
        assertEquals("timeout", Suggestions.nearest("timout", List.of("path", "timeout")));
        assertEquals("compile", Suggestions.nearest("compiel", List.of("deps", "compile", "package")));
        assertEquals("package", Suggestions.nearest("pakage", List.of("deps", "compile", "package")));
    }

    @Test
    void nearestReturnsNullWhenFar() {
        assertNull(Suggestions.nearest("zzzzzz", List.of("path", "timeout")));
        assertNull(Suggestions.nearest("domains", List.of("deps", "compile", "package")));
    }

    @Test
    void nearestReturnsNullWithoutCandidates() {
        assertNull(Suggestions.nearest("anything", List.of()));
    }

    @Test
    void allowedDistanceGrowsWithTheWord() {
        // short words allow 2 edits; a 12-letter word allows 12/3 = 4
        assertEquals("ab", Suggestions.nearest("xy", List.of("ab")));
        assertNull(Suggestions.nearest("xyz", List.of("abc")));
        assertEquals("stop_timeout", Suggestions.nearest("stopTimeOut", List.of("drain", "nginx", "stop_timeout")));
        assertNull(Suggestions.nearest("abcdefghijkl", List.of("abcdeXXXXXkl")));
        assertEquals("abcdefghXXXX", Suggestions.nearest("abcdefghijkl", List.of("abcdefghXXXX")));
    }
}
