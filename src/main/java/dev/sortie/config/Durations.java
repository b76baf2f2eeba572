package dev.sortie.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of Sortie (config, bot trees, the control API, CLI options): a number
 * with a unit, {@code 250ms}, {@code 1.5s}, {@code 30s}, {@code 2m}, {@code 1h}, parts combined from
 * the largest unit down ({@code 1m30s}, {@code 1h30m}), or a bare number of seconds ({@code 45},
 * {@code 0.5}). Only the last part may have decimals; units are lower case.
 */
public final class Durations {

    /** Examples for messages: what a user may write. */
    public static final String SYNTAX = "500ms, 30s, 2m, 1h, 1.5s or 1m30s";

    private static final String NUMBER = "(\\d{1,9}(?:\\.\\d{1,9})?)";
    private static final Pattern SECONDS = Pattern.compile(NUMBER);
    private static final Pattern PART = Pattern.compile(NUMBER + "\\s*(ms|h|m|s)\\s*");
    private static final List<String> UNITS = List.of("h", "m", "s", "ms");
    private static final long[] NANOS = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L};

    private Durations() {
    }

    /**
     * Reads a duration; never negative.
     *
     * @throws IllegalArgumentException naming the text and the syntax
     */
    public static Duration parse(String text) {
        String t = text.strip();
        if (SECONDS.matcher(t).matches()) {
            return ofNanos(new BigDecimal(t).multiply(BigDecimal.valueOf(NANOS[2])));
        }
        Matcher m = PART.matcher(t);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        int lastUnit = -1;
        boolean fraction = false;
        while (at < t.length() && m.find(at) && m.start() == at) {
            int unit = UNITS.indexOf(m.group(2));
            if (unit <= lastUnit || fraction) {
                throw notADuration(text); // 30s1m, 1m1m, 1.5m30s
            }
            fraction = m.group(1).contains(".");
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(NANOS[unit])));
            lastUnit = unit;
            at = m.end();
        }
        if (at != t.length() || lastUnit < 0) {
            throw notADuration(text);
        }
        return ofNanos(nanos);
    }

    /**
     * The shortest text {@link #parse} reads back as the same duration: {@code 0s}, {@code 250ms},
     * {@code 1.5s}, {@code 2m}, {@code 1m30s}, {@code 1h30m}. Used in messages and written config.
     */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        if (d.isZero()) {
            return "0s";
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return decimal(BigDecimal.valueOf(d.getNano()).movePointLeft(6)) + "ms";
        }
        BigDecimal seconds = BigDecimal.valueOf(d.getSeconds() % 60).add(BigDecimal.valueOf(d.getNano()).movePointLeft(9));
        if (d.compareTo(Duration.ofMinutes(1)) < 0) {
            return decimal(seconds) + "s";
        }
        var sb = new StringBuilder();
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (minutes > 0) {
            sb.append(minutes).append('m');
        }
        if (seconds.signum() > 0) {
            sb.append(decimal(seconds)).append('s');
        }
        return sb.toString();
    }

    /** How long something took, as push output shows it: 0.2s, 4.1s, 59.9s, then 2m05s. */
    public static String elapsed(Duration d) {
        long millis = d.toMillis();
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = d.toSeconds();
        return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }

    private static Duration ofNanos(BigDecimal nanos) {
        BigDecimal[] parts = nanos.setScale(0, RoundingMode.HALF_UP).divideAndRemainder(BigDecimal.valueOf(NANOS[2]));
        return Duration.ofSeconds(parts[0].longValueExact(), parts[1].longValueExact());
    }

    private static String decimal(BigDecimal n) {
        return n.stripTrailingZeros().toPlainString();
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException(Quote.of(text) + " is not a duration; write a number with a unit, like " + SYNTAX);
    }
}
