package dev.sortie.bots.run;

import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.metrics.MetricsSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Judges a run's thresholds against its figures: per action from the metrics snapshot, for
 * {@code all} from every action together (percentiles from {@link LatencyTotals}, exact like the
 * per-action ones). Pure: the same figures always give the same results.
 */
public final class Thresholds {

    private Thresholds() {
    }

    /** What a run measured, as thresholds read it. */
    public record Figures(MetricsSnapshot metrics, LatencyTotals.Percentiles all, double seconds) {
    }

    /** Every threshold's result at the end of a run; one that has nothing to measure fails, saying so. */
    public static List<ThresholdResult> judge(List<Threshold> thresholds, Figures figures) {
        List<ThresholdResult> out = new ArrayList<>(thresholds.size());
        for (Threshold t : thresholds) {
            OptionalDouble actual = measure(t, figures);
            out.add(actual.isPresent()
                    ? new ThresholdResult(t.describe(), t.format(actual.getAsDouble()), t.holds(actual.getAsDouble()))
                    : new ThresholdResult(t.describe(), nothingMeasured(t, figures.metrics()), false));
        }
        return out;
    }

    /**
     * The first abort_on_fail threshold that fails now, judged while the run goes on: one with
     * nothing measured yet, or a lower bound on rps or count (still climbing), is not judged yet.
     */
    public static Optional<ThresholdResult> firstAbort(List<Threshold> thresholds, Figures figures) {
        for (Threshold t : thresholds) {
            if (!t.abortOnFail() || t.metric().judgedAtEnd(t.comparison())) {
                continue;
            }
            OptionalDouble actual = measure(t, figures);
            if (actual.isPresent() && !t.holds(actual.getAsDouble())) {
                return Optional.of(new ThresholdResult(t.describe(), t.format(actual.getAsDouble()), false));
            }
        }
        return Optional.empty();
    }

    /** True when some threshold needs the all-actions percentiles (so the run records them). */
    public static boolean needTotals(List<Threshold> thresholds) {
        return thresholds.stream().anyMatch(t -> t.action() == null && switch (t.metric()) {
            case P50, P90, P99 -> true;
            default -> false;
        });
    }

    static OptionalDouble measure(Threshold t, Figures f) {
        long runs;
        long errors;
        long fails;
        double totalMillis;
        double max;
        ActionSnapshot one = null;
        if (t.action() == null) {
            runs = 0;
            errors = 0;
            fails = 0;
            totalMillis = 0;
            max = 0;
            for (ActionSnapshot a : f.metrics().actions().values()) {
                runs += a.runs();
                errors += a.errorCount();
                fails += a.failCount();
                totalMillis += a.duration() * a.runs();
                max = Math.max(max, a.max());
            }
        } else {
            one = f.metrics().actions().get(t.action());
            if (one == null) {
                return OptionalDouble.empty();
            }
            runs = one.runs();
            errors = one.errorCount();
            fails = one.failCount();
            totalMillis = one.duration() * one.runs();
            max = one.max();
        }
        if (t.metric() == Threshold.Metric.COUNT) {
            return OptionalDouble.of(runs);
        }
        if (t.metric() == Threshold.Metric.RPS) {
            return f.seconds() > 0 ? OptionalDouble.of(runs / f.seconds()) : OptionalDouble.empty();
        }
        if (runs == 0) {
            return OptionalDouble.empty();
        }
        return switch (t.metric()) {
            case ERROR_RATE -> OptionalDouble.of(100.0 * errors / runs);
            case FAIL_RATE -> OptionalDouble.of(100.0 * fails / runs);
            case AVG -> OptionalDouble.of(totalMillis / runs);
            case MAX -> OptionalDouble.of(max);
            case P50 -> one != null ? OptionalDouble.of(one.p50()) : all(f, 50);
            case P90 -> one != null ? OptionalDouble.of(one.p90()) : all(f, 90);
            case P99 -> one != null ? OptionalDouble.of(one.p99()) : all(f, 99);
            case COUNT, RPS -> throw new IllegalStateException("handled above");
        };
    }

    private static OptionalDouble all(Figures f, double percentile) {
        return f.all() == null || f.all().count() == 0 ? OptionalDouble.empty() : OptionalDouble.of(f.all().millisAt(percentile));
    }

    private static String nothingMeasured(Threshold t, MetricsSnapshot m) {
        if (t.action() != null && !m.actions().containsKey(t.action())) {
            return "never ran" + (m.actions().isEmpty() ? " (no action ran)" : " (the actions are " + String.join(", ", m.actions().keySet()) + ")");
        }
        return "no action ran";
    }
}
