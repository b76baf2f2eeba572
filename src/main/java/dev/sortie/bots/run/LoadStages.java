package dev.sortie.bots.run;

import dev.sortie.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load that changes over time, as k6's ramping executors: each stage moves linearly from the
 * previous stage's target (0 before the first) to its own over its duration. Targets are arrival
 * rates ({@code 30s:10/s,1m:100/s}: the open model) or numbers of looping bots
 * ({@code 1m:100,2m:500}: the closed model), never a mix.
 */
public record LoadStages(List<Stage> stages, boolean arrivals) {

    public static final String SYNTAX = "DURATION:TARGET,... like '30s:10/s,1m:100/s,30s:0/s' (arrival rates: the open model)"
            + " or '1m:100,2m:500' (numbers of bots: the closed model)";
    static final double FASTEST = 1_000_000;
    static final int MOST_BOTS = 1_000_000;
    private static final Pattern STAGE = Pattern.compile("^([^:]+):\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(/s)?$");

    /** One stage: over {@code duration}, move to {@code target} (arrivals per second, or bots). */
    public record Stage(Duration duration, double target) {
    }

    public LoadStages {
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("no stages");
        }
    }

    /**
     * Parses {@code --stages}.
     *
     * @throws IllegalArgumentException naming the offending stage and what a stage looks like
     */
    public static LoadStages parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--stages is empty; expected " + SYNTAX);
        }
        List<Stage> out = new ArrayList<>();
        Boolean rates = null;
        for (String part : text.split(",", -1)) {
            String stage = part.strip();
            Matcher m = STAGE.matcher(stage);
            if (!m.matches()) {
                throw wrong(text, stage, "a stage is DURATION:TARGET");
            }
            Duration d;
            try {
                d = Durations.parse(m.group(1).strip());
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw wrong(text, stage, "'" + m.group(1).strip() + "' is not a duration (like " + Durations.SYNTAX + ")");
            }
            if (d.isZero() || d.compareTo(Duration.ofDays(365)) > 0) {
                throw wrong(text, stage, "a stage lasts more than 0 and at most 365 days");
            }
            boolean rate = m.group(3) != null;
            if (rates != null && rates != rate) {
                throw wrong(text, stage, "every stage is an arrival rate (like 10/s) or every stage a number of bots (like 100), not a mix");
            }
            rates = rate;
            double target = Double.parseDouble(m.group(2));
            if (rate && target > FASTEST) {
                throw wrong(text, stage, "an arrival rate is at most " + (long) FASTEST + "/s");
            }
            if (!rate && (target != Math.rint(target) || target > MOST_BOTS)) {
                throw wrong(text, stage, "a number of bots is a whole number up to " + MOST_BOTS + " (an arrival rate ends with /s)");
            }
            out.add(new Stage(d, target));
        }
        return new LoadStages(out, rates);
    }

    private static IllegalArgumentException wrong(String text, String stage, String why) {
        return new IllegalArgumentException("--stages '" + text + "': stage '" + stage + "': " + why + "; expected " + SYNTAX);
    }

    /** How long all the stages take. */
    public Duration total() {
        return stages.stream().map(Stage::duration).reduce(Duration.ZERO, Duration::plus);
    }

    /** The target at {@code nanos} after the start: linear within a stage; the last target after the end. */
    public double targetAt(long nanos) {
        double from = 0;
        long at = 0;
        for (Stage s : stages) {
            long length = s.duration().toNanos();
            if (nanos < at + length) {
                return from + (s.target() - from) * (nanos - at) / (double) length;
            }
            at += length;
            from = s.target();
        }
        return from;
    }

    /** As the user would write it: {@code 30s:10/s,1m:100/s}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (Stage s : stages) {
            String n = s.target() == Math.rint(s.target()) ? String.valueOf((long) s.target()) : String.format(Locale.ROOT, "%s", s.target());
            parts.add(Durations.format(s.duration()) + ":" + n + (arrivals ? "/s" : ""));
        }
        return String.join(",", parts);
    }
}
