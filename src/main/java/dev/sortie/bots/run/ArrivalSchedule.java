package dev.sortie.bots.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When each arrival of an open-model run is due: the rate is piecewise linear in time, and
 * arrival k (from 0) is due when the rate's integral reaches k, so a constant 50/s gives arrivals
 * at 0, 20ms, 40ms... and a ramp speeds up smoothly. Pure arithmetic on nanoseconds from the start.
 */
public final class ArrivalSchedule {

    /** Over {@code nanos} (Long.MAX_VALUE: for ever) the rate moves linearly from {@code from} to {@code to} per second. */
    private record Segment(long nanos, double from, double to) {
        double arrivals() {
            return nanos == Long.MAX_VALUE ? (from > 0 || to > 0 ? Double.POSITIVE_INFINITY : 0) : (from + to) / 2 * nanos / 1e9;
        }
    }

    private final List<Segment> segments;
    private final String description;

    private ArrivalSchedule(List<Segment> segments, String description) {
        this.segments = List.copyOf(segments);
        this.description = description;
    }

    /** A constant rate for ever (the run's duration ends it). */
    public static ArrivalSchedule constant(double perSecond) {
        checkRate(perSecond);
        return new ArrivalSchedule(List.of(new Segment(Long.MAX_VALUE, perSecond, perSecond)), rate(perSecond));
    }

    /** k6's ramping arrival rate: from 0, each stage ramps linearly to its rate. */
    public static ArrivalSchedule ramping(LoadStages stages) {
        if (!stages.arrivals()) {
            throw new IllegalArgumentException("stages of bot counts (" + stages.describe() + ") are not arrival rates");
        }
        List<Segment> out = new ArrayList<>();
        double from = 0;
        for (LoadStages.Stage s : stages.stages()) {
            out.add(new Segment(s.duration().toNanos(), from, s.target()));
            from = s.target();
        }
        return new ArrivalSchedule(out, stages.describe());
    }

    private static void checkRate(double perSecond) {
        if (!(perSecond > 0) || perSecond > LoadStages.FASTEST) {
            throw new IllegalArgumentException("an arrival rate is more than 0 and at most " + (long) LoadStages.FASTEST + "/s, got " + perSecond);
        }
    }

    static String rate(double perSecond) {
        return (perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond)) + "/s";
    }

    /** How the schedule reads in messages: {@code 50/s} or {@code 30s:10/s,1m:100/s}. */
    public String describe() {
        return description;
    }

    /** How long the schedule lasts; null for a constant rate, which lasts until the run is stopped. */
    public Duration length() {
        long total = 0;
        for (Segment s : segments) {
            if (s.nanos() == Long.MAX_VALUE) {
                return null;
            }
            total += s.nanos();
        }
        return Duration.ofNanos(total);
    }

    /** The rate at {@code nanos} from the start, per second; 0 after the last stage. */
    public double rateAt(long nanos) {
        long at = 0;
        for (Segment s : segments) {
            if (s.nanos() == Long.MAX_VALUE || nanos < at + s.nanos()) {
                return s.from() + (s.to() - s.from()) * (s.nanos() == Long.MAX_VALUE ? 0 : (nanos - at) / (double) s.nanos());
            }
            at += s.nanos();
        }
        return 0;
    }

    /** When arrival k (from 0) is due, in nanoseconds from the start; Long.MAX_VALUE if the schedule ends first. */
    public long dueAt(long k) {
        double need = k;
        long at = 0;
        for (Segment s : segments) {
            double here = s.arrivals();
            if (need < here) {
                return at + offsetWithin(s, need);
            }
            if (s.nanos() == Long.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
            need -= here;
            at += s.nanos();
        }
        return Long.MAX_VALUE;
    }

    /** Solves from·t + (to-from)/(2L)·t² = need for t, in the cancellation-free form. */
    private static long offsetWithin(Segment s, double need) {
        if (need <= 0) {
            return 0;
        }
        double b = s.from();
        double a = s.nanos() == Long.MAX_VALUE ? 0 : (s.to() - s.from()) / (2 * (s.nanos() / 1e9));
        double root = Math.sqrt(Math.max(0, b * b + 4 * a * need));
        double seconds = 2 * need / (b + root);
        return Math.min(s.nanos(), (long) Math.ceil(seconds * 1e9 - 1e-3));
    }
}
