package dev.sortie.bots.report;

import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.run.BotFailure;
import dev.sortie.bots.run.ThresholdResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A run's report as one self-contained HTML page: charts as inline SVG, styles inline, no script
 * and no link out, so it works offline and as a CI artifact. Every figure in a table carries its
 * exact value in {@code data-value}, as it is in metrics.json.
 */
public final class HtmlReport {

    static final String[] COLORS = {"#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"};
    private static final int MOST_FAILURES_SHOWN = 20;

    private HtmlReport() {
    }

    public static String render(ReportData data) {
        StringBuilder h = new StringBuilder(64 * 1024);
        String tree = data.settings().getOrDefault("tree", "bots");
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">")
                .append("<title>").append(Html.escape("Sortie bots report: " + tree)).append("</title><style>")
                .append(Resources.text("report.css")).append("</style></head><body>\n");
        header(h, data, tree);
        actionsTable(h, data);
        thresholds(h, data.ending().thresholds());
        charts(h, data);
        settings(h, data.settings());
        failures(h, data.ending());
        h.append("<footer>Written by <code>sortie bots</code> from <code>").append(RunDir.METRICS).append("</code> and <code>")
                .append(RunDir.HLOG).append("</code> (HdrHistogram interval log: exact percentiles per second); ")
                .append("<code>sortie bots report DIR</code> renders it again.</footer>\n</body></html>\n");
        return h.toString();
    }

    private static void header(StringBuilder h, ReportData data, String tree) {
        ReportData.Ending end = data.ending();
        List<ReportData.Second> in = data.seconds();
        double seconds = in.isEmpty() ? 0 : (in.get(in.size() - 1).endMillis() - in.get(0).startMillis()) / 1000.0;
        h.append("<header><h1>").append(Html.escape(tree)).append("</h1>");
        h.append("<p id=\"verdict\" class=\"verdict ").append(end.passed() ? "passed" : "failed").append("\">")
                .append(end.passed() ? "PASSED" : "FAILED").append(": ").append(Html.escape(end.reason())).append("</p>");
        h.append("<p class=\"sub\">against <code>").append(Html.escape(data.settings().getOrDefault("target", ""))).append("</code>, ")
                .append(Html.escape(data.settings().getOrDefault("started at", ""))).append(", ")
                .append(String.format(Locale.ROOT, "%.1f s", seconds)).append("</p></header>\n");
        long peakBots = in.stream().mapToLong(ReportData.Second::bots).max().orElse(0);
        h.append("<section class=\"tiles\">");
        tile(h, "runs", "action runs", data.metrics().runs(), String.format(Locale.ROOT, "%,d", data.metrics().runs()));
        double rps = seconds > 0 ? data.metrics().runs() / seconds : 0;
        tile(h, "rps", "runs/s (mean)", rps, SvgChart.number(rps));
        tile(h, "errors", "errors", data.metrics().totalErrorCount(), String.format(Locale.ROOT, "%,d", data.metrics().totalErrorCount()));
        tile(h, "worst-p99", "worst p99", data.metrics().worstP99(), ActionSnapshot.millis(data.metrics().worstP99()));
        tile(h, "bots", "bots started", end.bots(), String.format(Locale.ROOT, "%,d", end.bots()));
        tile(h, "peak-bots", "most bots alive", peakBots, String.format(Locale.ROOT, "%,d", peakBots));
        Long dropped = data.metrics().droppedArrivals();
        if (dropped != null) {
            tile(h, "dropped-arrivals", "arrivals dropped (--max-bots)", dropped, String.format(Locale.ROOT, "%,d", dropped));
        }
        h.append("</section>\n");
    }

    private static void tile(StringBuilder h, String id, String label, double value, String shown) {
        h.append("<div class=\"tile\" id=\"tile-").append(id).append("\" data-value=\"").append(raw(value)).append("\"><b>")
                .append(Html.escape(shown)).append("</b><span>").append(Html.escape(label)).append("</span></div>");
    }

    private static void charts(StringBuilder h, ReportData data) {
        List<ReportData.Second> in = data.seconds();
        long t0 = in.isEmpty() ? 0 : in.get(0).startMillis();
        double[] x = in.stream().mapToDouble(i -> (i.endMillis() - t0) / 1000.0).toArray();
        h.append("<section><h2>Throughput and bots</h2><div class=\"pair\">");
        h.append(figure("Action runs per second", SvgChart.render("chart-rps", "action runs per second", "/s", SvgChart.XAxis.SECONDS,
                List.of(new SvgChart.Series("runs/s", COLORS[0], x, values(in, ReportData.Second::runsPerSecond))))));
        h.append(figure("Errors per second", SvgChart.render("chart-errors", "errors per second", "/s", SvgChart.XAxis.SECONDS,
                List.of(new SvgChart.Series("errors/s", COLORS[1], x, values(in, ReportData.Second::errorsPerSecond))))));
        h.append(figure("Bots alive", SvgChart.render("chart-bots", "bots alive", "", SvgChart.XAxis.SECONDS,
                List.of(new SvgChart.Series("bots", COLORS[2], x, values(in, ReportData.Second::bots))))));
        h.append("</div></section>\n<section><h2>Latency over time</h2><p class=\"note\">Exact percentiles of each second, per action.</p>")
                .append("<div class=\"pair\">");
        int n = 0;
        String[] names = {"p50", "p90", "p99", "max"};
        String[] colors = {COLORS[0], COLORS[2], COLORS[3], COLORS[1]};
        List<ToDoubleFunction<ReportData.Percentiles>> pick = List.of(ReportData.Percentiles::p50, ReportData.Percentiles::p90,
                ReportData.Percentiles::p99, ReportData.Percentiles::max);
        for (String action : data.metrics().actions().keySet()) {
            List<ReportData.Second> ran = in.stream().filter(i -> i.actions().containsKey(action)).toList();
            double[] px = ran.stream().mapToDouble(i -> (i.endMillis() - t0) / 1000.0).toArray();
            List<SvgChart.Series> series = new ArrayList<>();
            for (int k = 0; k < names.length; k++) {
                ToDoubleFunction<ReportData.Percentiles> f = pick.get(k);
                series.add(new SvgChart.Series(names[k], colors[k], px, ran.stream().mapToDouble(i -> f.applyAsDouble(i.actions().get(action))).toArray()));
            }
            h.append(figure(action, SvgChart.render("chart-latency-" + n++, "latency of " + action, "ms", SvgChart.XAxis.SECONDS, series)));
        }
        if (data.metrics().actions().isEmpty()) {
            h.append("<p class=\"none\">No action ran.</p>");
        }
        h.append("</div></section>\n<section><h2>Latency distribution</h2>")
                .append("<p class=\"note\">The latency at each percentile over the whole run, spread by nines.</p><div class=\"pair\">");
        List<SvgChart.Series> dist = new ArrayList<>();
        n = 0;
        for (Map.Entry<String, Histogram> e : data.latencies().entrySet()) {
            Histogram hist = e.getValue();
            if (hist.getTotalCount() == 0) {
                continue;
            }
            double cap = Math.log10(hist.getTotalCount());
            List<double[]> points = new ArrayList<>();
            for (HistogramIterationValue v : hist.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo() / 100.0;
                points.add(new double[] {p >= 1 ? cap : Math.min(cap, -Math.log10(1 - p)), ms(v.getValueIteratedTo())});
            }
            dist.add(new SvgChart.Series(e.getKey(), COLORS[n++ % COLORS.length], points.stream().mapToDouble(p -> p[0]).toArray(),
                    points.stream().mapToDouble(p -> p[1]).toArray()));
        }
        h.append(figure("Latency by percentile", SvgChart.render("chart-distribution", "latency by percentile", "ms", SvgChart.XAxis.NINES,
                dist)));
        h.append("</div></section>\n");
    }

    private static String figure(String caption, String svg) {
        return "<figure>" + svg + "<figcaption>" + Html.escape(caption) + "</figcaption></figure>";
    }

    private static double[] values(List<ReportData.Second> in, ToDoubleFunction<ReportData.Second> f) {
        return in.stream().mapToDouble(f).toArray();
    }

    private static void actionsTable(StringBuilder h, ReportData data) {
        h.append("<section><h2>Actions</h2><table id=\"actions\"><thead><tr><th>action</th><th>runs</th><th>ok</th><th>fail</th>")
                .append("<th>error</th><th>avg</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr></thead><tbody>");
        for (Map.Entry<String, ActionSnapshot> e : data.metrics().actions().entrySet()) {
            ActionSnapshot a = e.getValue();
            h.append("<tr data-action=\"").append(Html.escape(e.getKey())).append("\"><th>").append(Html.escape(e.getKey())).append("</th>");
            count(h, "runs", a.runs());
            count(h, "ok", a.successCount());
            count(h, "fail", a.failCount());
            count(h, "error", a.errorCount());
            latency(h, "avg", a.duration());
            latency(h, "p50", a.p50());
            latency(h, "p90", a.p90());
            latency(h, "p99", a.p99());
            latency(h, "max", a.max());
            h.append("</tr>");
        }
        if (data.metrics().actions().isEmpty()) {
            h.append("<tr><td colspan=\"10\" class=\"none\">No action ran.</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void count(StringBuilder h, String field, long n) {
        h.append("<td data-field=\"").append(field).append("\" data-value=\"").append(n).append("\"")
                .append(n > 0 && (field.equals("fail") || field.equals("error")) ? " class=\"bad\"" : "").append('>')
                .append(String.format(Locale.ROOT, "%,d", n)).append("</td>");
    }

    private static void latency(StringBuilder h, String field, double ms) {
        h.append("<td data-field=\"").append(field).append("\" data-value=\"").append(raw(ms)).append("\">")
                .append(Html.escape(ActionSnapshot.millis(ms))).append("</td>");
    }

    private static void thresholds(StringBuilder h, List<ThresholdResult> thresholds) {
        h.append("<section><h2>Thresholds</h2>");
        if (thresholds == null || thresholds.isEmpty()) {
            h.append("<p id=\"thresholds\" class=\"none\">none set</p></section>\n");
            return;
        }
        h.append("<table id=\"thresholds\"><thead><tr><th>threshold</th><th>actual</th><th>result</th></tr></thead><tbody>");
        for (ThresholdResult t : thresholds) {
            h.append("<tr class=\"").append(t.passed() ? "passed" : "failed").append("\" data-passed=\"").append(t.passed()).append("\"><td>").append(Html.escape(t.threshold()))
                    .append("</td><td>").append(Html.escape(t.actual())).append("</td><td>").append(t.passed() ? "passed" : "FAILED")
                    .append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void settings(StringBuilder h, Map<String, String> settings) {
        h.append("<section><h2>Settings</h2><table id=\"settings\"><tbody>");
        settings.forEach((k, v) -> h.append("<tr data-setting=\"").append(Html.escape(k)).append("\"><th>").append(Html.escape(k))
                .append("</th><td>").append(Html.escape(v)).append("</td></tr>"));
        h.append("</tbody></table></section>\n");
    }

    private static void failures(StringBuilder h, ReportData.Ending end) {
        List<BotFailure> failures = end.failures();
        if (failures.isEmpty()) {
            return;
        }
        h.append("<section><h2>Bots that failed</h2>");
        if (failures.size() > MOST_FAILURES_SHOWN) {
            h.append("<p class=\"note\">The first ").append(MOST_FAILURES_SHOWN).append(" of ")
                    .append(String.format(Locale.ROOT, "%,d", failures.size())).append(" in metrics.json.</p>");
        }
        h.append("<table id=\"failures\"><thead><tr><th>bot</th><th>action</th><th>kind</th><th>reason</th></tr></thead><tbody>");
        for (BotFailure f : failures.subList(0, Math.min(failures.size(), MOST_FAILURES_SHOWN))) {
            h.append("<tr data-bot=\"").append(f.bot()).append("\"><td>").append(f.bot()).append("</td><td>")
                    .append(f.action() == null ? "<span class=\"none\">none</span>" : Html.escape(f.action()))
                    .append("</td><td>").append(f.kind() == null ? "" : f.kind().key()).append("</td><td>")
                    .append(Html.escape(f.reason() == null ? "" : f.reason())).append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** A number as JSON writes it (so a test can compare it with metrics.json): 12, 3.25. */
    private static String raw(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
