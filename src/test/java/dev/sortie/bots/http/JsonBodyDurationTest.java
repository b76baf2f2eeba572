package dev.sortie.bots.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The control API reads durations with the same parser as sortie.yml and the trees. */
class JsonBodyDurationTest {

    private static Duration duration(String json) {
        JsonBody body = JsonBody.parse(("{\"d\": " + json + "}").getBytes(StandardCharsets.UTF_8), Set.of("d"));
        Duration d = body.duration("d");
        body.check();
        return d;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"250ms\" | PT0.25S",
        "\"1.5s\"  | PT1.5S",
        "\"2m\"    | PT2M",
        "\"1h\"    | PT1H",
        "\"1m30s\" | PT1M30S",
        "30        | PT30S",
        "0.5       | PT0.5S",
        "1e-3      | PT0.001S",
        "0         | PT0S",
        "31536000  | PT8760H",
    })
    void accepts(String json, String iso) {
        assertEquals(Duration.parse(iso), duration(json));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"soon\"     | \"soon\"",
        "-5         | -5",
        "true       | true",
        "[1]        | a list",
        "31536001   | 31536001",
        "\"366d\"     | \"366d\"",
        "1e300      | 1.0E300",
    })
    void refuses(String json, String shown) {
        ControlError e = assertThrows(ControlError.class, () -> duration(json));
        assertEquals("d: expected seconds (30, 0.5) or a duration like \"500ms\", \"30s\", \"2m\", up to 365 days, got " + shown,
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"null"})
    void nullIsAbsent(String json) {
        assertNull(duration(json));
    }
}
