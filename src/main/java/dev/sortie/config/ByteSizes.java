package dev.sortie.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes people write in config: {@code 10MB}, {@code 512KB}, {@code 1GB}, or a bare number of bytes.
 * Units are binary (1KB = 1024 bytes) and case-insensitive; {@code KiB}, {@code K} and {@code B} work too.
 */
public final class ByteSizes {

    /** Examples for messages. */
    public static final String SYNTAX = "10MB, 512KB, 1GB or a number of bytes";

    private static final Pattern FORM = Pattern.compile("(\\d{1,15})\\s*(?:([kmg])i?b?|(b))?", Pattern.CASE_INSENSITIVE);

    private ByteSizes() {
    }

    /** @throws IllegalArgumentException naming the text and the syntax */
    public static long parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(Quote.of(text) + " is not a size; write " + SYNTAX);
        }
        long n = Long.parseLong(m.group(1));
        int shift = m.group(2) == null ? 0 : switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            default -> 30;
        };
        if (n > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException(Quote.of(text) + " is too large a size");
        }
        return n << shift;
    }

    /** The shortest exact form: {@code 10MB}, {@code 64KB}, {@code 1000} (bytes). */
    public static String format(long bytes) {
        for (var unit : new Object[][] {{30, "GB"}, {20, "MB"}, {10, "KB"}}) {
            int shift = (int) unit[0];
            if (bytes != 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + (String) unit[1];
            }
        }
        return Long.toString(bytes);
    }
}
