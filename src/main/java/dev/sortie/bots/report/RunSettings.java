package dev.sortie.bots.report;

import dev.sortie.bots.run.RunSpec;
import dev.sortie.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A run's settings as the report lists them: what the user asked for, in words, in a fixed order. */
public final class RunSettings {

    private RunSettings() {
    }

    /** @param startedAt when the run started (its first interval) */
    public static Map<String, String> of(RunSpec spec, Instant startedAt) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("tree", spec.treeName());
        out.put("target", spec.target());
        out.put("mode", spec.mode() == RunSpec.Mode.LOAD ? "load (bots run)" : "integration (bots test)");
        out.put("bots", Integer.toString(spec.bots()));
        if (spec.mode() == RunSpec.Mode.LOAD) {
            out.put("rate", spec.rate() > 0 ? SvgChart.number(spec.rate()) + " bots/s" : "all at once");
            out.put("duration", spec.duration() == null || spec.duration().isZero() ? "until stopped or every bot is done"
                    : text(spec.duration()));
        } else {
            out.put("bot timeout", spec.botTimeout() == null ? "none" : text(spec.botTimeout()));
            out.put("run timeout", spec.runTimeout() == null ? "none" : text(spec.runTimeout()));
        }
        if (spec.log() != null) {
            out.put("log", spec.log().toString());
        }
        out.put("started at", startedAt.toString());
        return out;
    }

    private static String text(Duration d) {
        return Durations.format(d);
    }
}
