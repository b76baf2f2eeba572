package dev.sortie.bots.run;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A pass/fail budget on a run's figures, as k6 thresholds and Gatling assertions:
 * {@code GET /api/notes: p99 < 200ms}, {@code all: error_rate < 1%}, {@code all: rps > 500}.
 * The README ("Thresholds") documents the syntax.
 *
 * @param text        the threshold as the user wrote it (without {@code , abort_on_fail})
 * @param action      the action it is about, or null for all actions together ({@code all:})
 * @param limit       in the metric's unit: milliseconds, percent, per second, or a count
 * @param abortOnFail stop the run as soon as the threshold fails, checked once a second
 */
public record Threshold(String text, String action, Metric metric, Comparison comparison, double limit, boolean abortOnFail) {

    public static final String ALL = "all";
    public static final String SYNTAX = "ACTION: METRIC OP VALUE, like 'GET /api/notes: p99 < 200ms', 'all: error_rate < 1%' or"
            + " 'all: rps > 500' (ACTION is an action's name or all; METRIC is p50, p90, p99, max or avg with ms or s,"
            + " error_rate or fail_rate with %, rps, or count; OP is <, <=, > or >=; append ', abort_on_fail' to stop the run"
            + " once it fails)";

    private static final Pattern FORM = Pattern.compile("(?s)^(.*\\S)\\s*:\\s*([A-Za-z0-9_]+)\\s*(<=|>=|<|>|==|=|!=)?\\s*(.*?)\\s*$");
    private static final Pattern ABORT = Pattern.compile("(?s)^(.*?)\\s*,\\s*abort_on_fail\\s*$");
    private static final Pattern AMOUNT = Pattern.compile("^([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|%|/s)?$");

    /** What a threshold measures; latencies are in milliseconds, rates in percent. */
    public enum Metric {
        P50(Unit.LATENCY), P90(Unit.LATENCY), P99(Unit.LATENCY), MAX(Unit.LATENCY), AVG(Unit.LATENCY),
        ERROR_RATE(Unit.PERCENT), FAIL_RATE(Unit.PERCENT), RPS(Unit.PER_SECOND), COUNT(Unit.COUNT);

        final Unit unit;

        Metric(Unit unit) {
            this.unit = unit;
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** True for figures that only grow or settle as a run goes on, so a lower bound can only be judged at its end. */
        boolean judgedAtEnd(Comparison c) {
            return (this == RPS || this == COUNT) && (c == Comparison.GT || c == Comparison.GE);
        }
    }

    enum Unit { LATENCY, PERCENT, PER_SECOND, COUNT }

    /** How the measured value must compare to the limit. */
    public enum Comparison {
        LT("<"), LE("<="), GT(">"), GE(">=");

        final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        boolean holds(double actual, double limit) {
            return switch (this) {
                case LT -> actual < limit;
                case LE -> actual <= limit;
                case GT -> actual > limit;
                case GE -> actual >= limit;
            };
        }
    }

    /**
     * Parses one threshold.
     *
     * @throws IllegalArgumentException naming the offending text and what is allowed
     */
    public static Threshold parse(String given) {
        if (given == null || given.isBlank()) {
            throw wrong(given, "it is empty");
        }
        String text = given.strip();
        boolean abort = false;
        Matcher a = ABORT.matcher(text);
        if (a.matches()) {
            text = a.group(1);
            abort = true;
        } else if (text.matches("(?s).*,\\s*\\S+\\s*$")) {
            String option = text.substring(text.lastIndexOf(',') + 1).strip();
            throw wrong(given, "unknown option " + quote(option) + " (the only option is abort_on_fail)");
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw wrong(given, "no ACTION: before the metric");
        }
        String action = m.group(1).strip();
        String metricText = m.group(2);
        Metric metric;
        try {
            metric = Metric.valueOf(metricText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw wrong(given, "unknown metric " + quote(metricText) + " (metrics are "
                    + Arrays.stream(Metric.values()).map(Metric::key).collect(Collectors.joining(", ")) + ")");
        }
        String op = m.group(3);
        if (op == null) {
            throw wrong(given, "no comparison after " + metricText + " (use <, <=, > or >=)");
        }
        Comparison comparison = switch (op) {
            case "<" -> Comparison.LT;
            case "<=" -> Comparison.LE;
            case ">" -> Comparison.GT;
            case ">=" -> Comparison.GE;
            default -> throw wrong(given, quote(op) + " is not a comparison here (use <, <=, > or >=)");
        };
        String amount = m.group(4);
        if (amount.isEmpty()) {
            throw wrong(given, "no value after " + op);
        }
        Matcher v = AMOUNT.matcher(amount);
        if (!v.matches()) {
            throw wrong(given, quote(amount) + " is not a value: " + expected(metric));
        }
        double number = Double.parseDouble(v.group(1));
        String unit = v.group(2);
        double limit = switch (metric.unit) {
            case LATENCY -> {
                if ("ms".equals(unit)) {
                    yield number;
                }
                if ("s".equals(unit)) {
                    yield number * 1000;
                }
                throw wrong(given, quote(amount) + " is not a latency: " + expected(metric));
            }
            case PERCENT -> {
                if (!"%".equals(unit)) {
                    throw wrong(given, quote(amount) + " is not a rate: " + expected(metric));
                }
                if (number > 100) {
                    throw wrong(given, amount + " is more than 100%");
                }
                yield number;
            }
            case PER_SECOND -> {
                if (unit != null && !"/s".equals(unit)) {
                    throw wrong(given, quote(amount) + " is not a number of requests per second: " + expected(metric));
                }
                yield number;
            }
            case COUNT -> {
                if (unit != null || v.group(1).contains(".")) {
                    throw wrong(given, quote(amount) + " is not a count: " + expected(metric));
                }
                yield number;
            }
        };
        return new Threshold(text, action.equals(ALL) ? null : action, metric, comparison, limit, abort);
    }

    private static String expected(Metric metric) {
        return switch (metric.unit) {
            case LATENCY -> metric.key() + " takes a number with ms or s, like 200ms or 1.5s";
            case PERCENT -> metric.key() + " takes a percentage, like 1% or 0.5%";
            case PER_SECOND -> metric.key() + " takes a number of action runs per second, like 500 or 500/s";
            case COUNT -> metric.key() + " takes a whole number of action runs, like 1000";
        };
    }

    /** The whole syntax only where the shape itself is wrong; otherwise the reason says what is allowed. */
    private static IllegalArgumentException wrong(String given, String why) {
        boolean shape = why.startsWith("it is empty") || why.startsWith("no ACTION");
        return new IllegalArgumentException("threshold " + quote(given == null ? "" : given.strip()) + ": " + why
                + (shape ? "; expected " + SYNTAX : ""));
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }

    /** The threshold as written, with its option: what the summary, JUnit and the HTML report show. */
    public String describe() {
        return text + (abortOnFail ? ", abort_on_fail" : "");
    }

    /** A measured value in this threshold's unit, as the summary shows it: 212.4ms, 0.30%, 812.5/s, 1000. */
    public String format(double value) {
        return switch (metric.unit) {
            case LATENCY -> value >= 100 ? String.format(Locale.ROOT, "%.0fms", value) : String.format(Locale.ROOT, "%.1fms", value);
            case PERCENT -> String.format(Locale.ROOT, "%.2f%%", value);
            case PER_SECOND -> String.format(Locale.ROOT, "%.1f/s", value);
            case COUNT -> String.format(Locale.ROOT, "%d", (long) value);
        };
    }

    /** Whether a measured value keeps the threshold. */
    public boolean holds(double actual) {
        return comparison.holds(actual, limit);
    }
}
