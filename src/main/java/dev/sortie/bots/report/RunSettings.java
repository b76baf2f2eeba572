package dev.sortie.bots.report;

import dev.sortie.bots.run.RunSpec;
import dev.sortie.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's settings as the report lists them: what the user asked for, in words, in a fixed order;
 * a load run says its load model (closed: looping bots, steady or in stages; open: arrivals).
 */
public final class RunSettings {

    private RunSettings() {
    }

    /** @param startedAt when the run started (its first interval) */
    public static Map<String, String> of(RunSpec spec, Instant startedAt) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("tree", spec.treeName());
        out.put("target", spec.target());
        out.put("mode", spec.mode() == RunSpec.Mode.LOAD ? "load (bots run)" : "integration (bots test)");
        if (spec.mode() == RunSpec.Mode.LOAD) {
            switch (spec.load()) {
                case RunSpec.Load.Steady st -> {
                    out.put("load model", "closed: looping bots");
                    out.put("bots", Integer.toString(spec.bots()));
                    out.put("rate", spec.rate() > 0 ? SvgChart.number(spec.rate()) + " bots/s" : "all at once");
                }
                case RunSpec.Load.BotStages b -> out.put("load model", "closed: looping bots in stages " + b.stages().describe());
                case RunSpec.Load.Arrivals a -> {
                    out.put("load model", "open: a bot per arrival at " + a.schedule().describe());
                    out.put("max bots", Integer.toString(a.maxBots()));
                }
            }
            out.put("duration", duration(spec));
        } else {
            out.put("bots", Integer.toString(spec.bots()));
            out.put("bot timeout", spec.botTimeout() == null ? "none" : text(spec.botTimeout()));
            out.put("run timeout", spec.runTimeout() == null ? "none" : text(spec.runTimeout()));
        }
        if (spec.log() != null) {
            out.put("log", spec.log().toString());
        }
        out.put("started at", startedAt.toString());
        return out;
    }

    /** A load run's length: as given, else as long as its stages, else until it is stopped. */
    private static String duration(RunSpec spec) {
        if (spec.duration() != null && !spec.duration().isZero()) {
            return text(spec.duration());
        }
        Duration stages = switch (spec.load()) {
            case RunSpec.Load.BotStages b -> b.stages().total();
            case RunSpec.Load.Arrivals a -> a.schedule().length();
            case RunSpec.Load.Steady st -> null;
        };
        return stages != null ? text(stages) + " (its stages)" : "until stopped or every bot is done";
    }

    private static String text(Duration d) {
        return Durations.format(d);
    }
}
