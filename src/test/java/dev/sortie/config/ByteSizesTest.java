package dev.sortie.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizesTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1000, 1000",
        "512KB, 524288",
        "512kb, 524288",
        "512K, 524288",
        "512KiB, 524288",
        "10MB, 10485760",
        "'10 MB', 10485760",
        "10m, 10485760",
        "1GB, 1073741824",
        "2GiB, 2147483648",
        "100B, 100",
    })
    void parses(String text, long bytes) {
        assertEquals(bytes, ByteSizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MB", "ten MB", "1.5MB", "-1MB", "10TB", "10 M B", "1e6", "999999999999999GB"})
    void rejects(String text) {
        var e = assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(text));
        assertEquals(true, e.getMessage().startsWith(Quote.of(text) + " is "), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1000, 1000", "65536, 64KB", "10485760, 10MB", "1073741824, 1GB", "1536, 1536", "1572864, 1536KB"})
    void formatsExactly(long bytes, String text) {
        assertEquals(text, ByteSizes.format(bytes));
        assertEquals(bytes, ByteSizes.parse(text));
    }
}
