package dev.sortie.exec;

import java.time.Duration;
import java.util.Locale;

/** Formats durations the way push output shows them: 0.2s, 4.1s, 2m05s. */
public final class Durations {

    private Durations() {
    }

    public static String format(Duration d) {
        long millis = d.toMillis();
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = d.toSeconds();
        return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
