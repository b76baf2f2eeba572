package dev.sortie.exec;

import java.time.Duration;

/** Push output's "how long it took" (0.2s, 4.1s, 2m05s); the one implementation is {@link dev.sortie.config.Durations#elapsed}. */
public final class Durations {

    private Durations() {
    }

    public static String format(Duration d) {
        return dev.sortie.config.Durations.elapsed(d);
    }
}
