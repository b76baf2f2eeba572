package dev.sortie.bots.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A line chart as inline SVG: a few series over a shared x axis (seconds into the run, or
 * percentiles on a "nines" scale), y from 0, nice ticks, a legend, and each point's value as a
 * hover title. No script, so a report opens anywhere, offline.
 */
final class SvgChart {

    static final int WIDTH = 760;
    static final int HEIGHT = 250;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 14;
    private static final int BOTTOM = 46;
    /** Points above this count get no hover circles: the line alone stays readable and the file small. */
    private static final int MOST_MARKED_POINTS = 240;

    /** One line: its name in the legend, its colour, and its points (x and y of the same length). */
    record Series(String name, String color, double[] x, double[] y) {
        Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("a series needs as many x as y values, got " + x.length + " and " + y.length);
            }
        }
    }

    /** How the x axis reads. */
    enum XAxis {
        /** Seconds into the run, shown as 0:30, 1:00, ... */
        SECONDS,
        /** Percentiles spread by their nines: x = log10(1 / (1 - p)), shown as 50%, 90%, 99%, 99.9%, ... */
        NINES
    }

    private SvgChart() {
    }

    /** @param id the chart's element id (tests and links find charts by it) */
    static String render(String id, String label, String yUnit, XAxis xAxis, List<Series> series) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                xMin = Math.min(xMin, s.x()[i]);
                xMax = Math.max(xMax, s.x()[i]);
                yMax = Math.max(yMax, s.y()[i]);
            }
        }
        if (xMin == Double.POSITIVE_INFINITY) {
            xMin = 0;
            xMax = 1;
        }
        if (xAxis == XAxis.NINES) {
            xMin = 0;
            xMax = Math.max(2, Math.ceil(xMax));
        } else {
            xMin = Math.min(0, xMin); // time axes start at the run's start
            xMax = Math.max(xMax, xMin + 1);
        }
        double yStep = niceStep(yMax <= 0 ? 1 : yMax / 4);
        double yTop = Math.max(yStep, Math.ceil(yMax / yStep) * yStep);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        double fx0 = xMin;
        double fxSpan = xMax - xMin;
        DoubleFunction<Double> px = x -> LEFT + (x - fx0) / fxSpan * plotW;
        DoubleFunction<Double> py = y -> TOP + plotH - y / yTop * plotH;

        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg id=\"").append(Html.escape(id)).append("\" class=\"chart\" role=\"img\" aria-label=\"").append(Html.escape(label))
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.append("<title>").append(Html.escape(label)).append("</title>");
        for (double y = 0; y <= yTop + yStep / 2; y += yStep) {
            double at = py.apply(y);
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", LEFT, at, WIDTH - RIGHT, at));
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, at + 4,
                    Html.escape(number(y) + yUnit)));
        }
        for (double[] tick : xTicks(xAxis, xMin, xMax)) {
            double at = px.apply(tick[0]);
            svg.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", at, TOP + plotH, at,
                    TOP + plotH + 4));
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", at,
                    TOP + plotH + 17, Html.escape(xLabel(xAxis, tick[0]))));
        }
        svg.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", LEFT, TOP + plotH,
                WIDTH - RIGHT, TOP + plotH));
        for (Series s : series) {
            svg.append("<g class=\"series\" data-series=\"").append(Html.escape(s.name())).append("\" data-points=\"").append(s.x().length)
                    .append("\">");
            svg.append("<polyline fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"1.8\" points=\"");
            for (int i = 0; i < s.x().length; i++) {
                svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.apply(s.x()[i]), py.apply(s.y()[i])));
            }
            svg.append("\"/>");
            if (s.x().length <= MOST_MARKED_POINTS) {
                for (int i = 0; i < s.x().length; i++) {
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\"><title>%s</title></circle>",
                            px.apply(s.x()[i]), py.apply(s.y()[i]), s.color(),
                            Html.escape(s.name() + " at " + xLabel(xAxis, s.x()[i]) + ": " + number(s.y()[i]) + yUnit)));
                }
            }
            svg.append("</g>");
        }
        double lx = LEFT;
        for (Series s : series) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", lx, HEIGHT - 14, s.color()));
            svg.append(String.format(Locale.ROOT, "<text class=\"legend\" x=\"%.1f\" y=\"%d\">%s</text>", lx + 14, HEIGHT - 5,
                    Html.escape(s.name())));
            lx += 24 + 7 * Math.min(s.name().length(), 40);
        }
        return svg.append("</svg>").toString();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= rough) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static List<double[]> xTicks(XAxis axis, double min, double max) {
        List<double[]> ticks = new ArrayList<>();
        if (axis == XAxis.NINES) {
            ticks.add(new double[] {0});
            ticks.add(new double[] {Math.log10(2)});
            for (int n = 1; n <= max; n++) {
                ticks.add(new double[] {n});
            }
            return ticks;
        }
        double step = niceSeconds((max - min) / 8);
        for (double t = Math.ceil(min / step) * step; t <= max + 1e-9; t += step) {
            ticks.add(new double[] {t});
        }
        return ticks;
    }

    private static double niceSeconds(double rough) {
        for (double s : new double[] {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600}) {
            if (s >= rough) {
                return s;
            }
        }
        return Math.ceil(rough / 3600) * 3600;
    }

    static String xLabel(XAxis axis, double x) {
        if (axis == XAxis.NINES) {
            double p = 100 * (1 - Math.pow(10, -x));
            return (p >= 99 ? String.format(Locale.ROOT, "%." + Math.max(0, (int) Math.round(x) - 2) + "f", p) : number(Math.round(p))) + "%";
        }
        long s = Math.round(x);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** A value for a tick or a hover: 0.25, 12.5, 1,200. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v)
                : Math.abs(v) >= 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
