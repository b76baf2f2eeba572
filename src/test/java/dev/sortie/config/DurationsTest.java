package dev.sortie.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "250ms, PT0.25S",
        "0.5ms, PT0.0005S",
        "1.5s, PT1.5S",
        "30s, PT30S",
        "2m, PT2M",
        "1.5m, PT1M30S",
        "1h, PT1H",
        "0.25h, PT15M",
        "45, PT45S",
        "0.5, PT0.5S",
        "0, PT0S",
        "0s, PT0S",
        "1m30s, PT1M30S",
        "2m05s, PT2M5S",
        "1h30m, PT1H30M",
        "1h0m5s, PT1H5S",
        "1m30.5s, PT1M30.5S",
        "1s500ms, PT1.5S",
        "'  30 s ', PT30S",
        "'1m 30s', PT1M30S",
        "1.000000001s, PT1.000000001S",
    })
    void parsesEveryUnitAndDecimals(String text, String iso) {
        assertEquals(Duration.parse(iso), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "soon", "1d", "30S", "30sec", "-1s", "+1s", "1e3", "1,5s", ".5s", "5.s", "1.5m30s",
        "30s1m", "1m1m", "1m30", "s", "ms", "1 h 2", "0x10", "1234567890s", "1.1234567891s", "∞"})
    void rejectsWhatIsNotADuration(String text) {
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertEquals(Quote.of(text) + " is not a duration; write a number with a unit, like 500ms, 30s, 2m, 1h, 1.5s or 1m30s",
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "PT0S, 0s",
        "PT0.25S, 250ms",
        "PT0.0005S, 0.5ms",
        "PT0.000000001S, 0.000001ms",
        "PT1S, 1s",
        "PT1.5S, 1.5s",
        "PT59.999S, 59.999s",
        "PT1M, 1m",
        "PT1M30S, 1m30s",
        "PT2M5S, 2m5s",
        "PT1M30.5S, 1m30.5s",
        "PT1H, 1h",
        "PT1H30M, 1h30m",
        "PT1H0.5S, 1h0.5s",
        "PT48H, 48h",
        "-PT2S, -2s",
    })
    void formatsTheShortestForm(String iso, String text) {
        assertEquals(text, Durations.format(Duration.parse(iso)));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 999, 1_000_000, 250_000_000, 999_999_999, 1_000_000_000, 1_500_000_000, 59_999_000_000L,
        60_000_000_000L, 90_000_000_000L, 3_599_999_999_999L, 3_600_000_000_000L, 5_400_000_000_000L, 86_400_000_000_123L})
    void formatThenParseIsTheSameDuration(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        assertEquals(d, Durations.parse(Durations.format(d)), Durations.format(d));
    }

    @Test
    void formatThenParseHoldsForManyDurations() {
        var random = new java.util.Random(42);
        for (int i = 0; i < 10_000; i++) {
            Duration d = Duration.ofNanos(random.nextLong(1, 400L * 24 * 3_600_000_000_000L));
            assertEquals(d, Durations.parse(Durations.format(d)), Durations.format(d));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "PT0S, 0.0s",
        "PT0.2S, 0.2s",
        "PT4.12S, 4.1s",
        "PT59.9S, 59.9s",
        "PT1M, 1m00s",
        "PT2M5S, 2m05s",
        "PT1H1S, 60m01s",
    })
    void elapsedIsThePushOutputForm(String iso, String text) {
        assertEquals(text, Durations.elapsed(Duration.parse(iso)));
        assertEquals(text, dev.sortie.exec.Durations.format(Duration.parse(iso)));
    }

    @Test
    void pushOutputFormsParseBackRoughly() {
        // what push output prints is itself valid input, so a user can copy a figure into sortie.yml
        assertEquals(Duration.ofSeconds(125), Durations.parse(Durations.elapsed(Duration.ofSeconds(125))));
        assertEquals(Duration.ofMillis(4_100), Durations.parse(Durations.elapsed(Duration.ofMillis(4_120))));
    }

    @Test
    void syntaxNamesEveryUnit() {
        for (String unit : new String[] {"ms", "s", "m", "h"}) {
            assertTrue(Durations.SYNTAX.matches(".*\\d" + unit + "\\b.*"), unit);
        }
    }
}
