package dev.sortie.bots.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sortie.bots.metrics.IntervalLog;
import dev.sortie.bots.metrics.IntervalLogReader;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.run.BotFailure;
import dev.sortie.bots.run.RunResult;
import dev.sortie.bots.run.ThresholdResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A run's report directory: {@code intervals.hlog} and {@code intervals.jsonl} (the interval log,
 * written while the run goes), {@code metrics.json} (settings, final metrics, result: written when
 * it ends) and {@code index.html}, rendered from those files alone so it can be rendered again.
 */
public final class RunDir {

    public static final String HTML = "index.html";
    public static final String METRICS = "metrics.json";
    public static final String HLOG = "intervals.hlog";
    /** Reads leniently: a metrics.json from a later version, with more fields, still renders. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;

    private RunDir(Path dir) {
        this.dir = dir;
    }

    public static RunDir at(Path dir) {
        return new RunDir(dir.toAbsolutePath().normalize());
    }

    public Path dir() {
        return dir;
    }

    public Path html() {
        return dir.resolve(HTML);
    }

    public Path metricsJson() {
        return dir.resolve(METRICS);
    }

    public Path hlog() {
        return dir.resolve(HLOG);
    }

    /** Creates the dir and opens its interval log (emptying an earlier run's); a report written before is removed. */
    public IntervalLog openIntervalLog(long startMillis) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(html());
        Files.deleteIfExists(metricsJson());
        return IntervalLog.open(hlog(), IntervalLog.sidecarOf(hlog()), startMillis);
    }

    /** After the run (its interval log closed): writes metrics.json, then renders index.html from the dir; returns the page. */
    public Path finish(Map<String, String> settings, MetricsSnapshot metrics, RunResult result) throws IOException {
        ObjectNode doc = JSON.createObjectNode();
        doc.set("settings", JSON.valueToTree(settings));
        doc.set("metrics", JSON.valueToTree(metrics));
        doc.set("result", JSON.valueToTree(result));
        write(metricsJson(), JSON.writeValueAsString(doc) + "\n");
        return render();
    }

    /** Renders index.html again from the dir's data; returns it. */
    public Path render() throws IOException {
        String page = HtmlReport.render(read());
        write(html(), page);
        return html();
    }

    /** Reads the data back; a missing or malformed file is an IOException that names it and what it should hold. */
    public ReportData read() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such run directory (sortie bots run --report DIR writes one)");
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(Files.readString(metricsJson(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(metricsJson().toString(), null,
                    "missing: a run writes it when it ends (was the run killed before that?)");
        } catch (JsonProcessingException e) {
            throw new IOException(metricsJson() + " is not JSON: " + e.getOriginalMessage());
        }
        if (!doc.isObject() || !doc.path("metrics").isObject() || !doc.path("result").isObject()) {
            throw new IOException(metricsJson() + " should be an object with settings, metrics and result; "
                    + (doc.isObject() ? "it has " + String.join(", ", iterable(doc.fieldNames()))
                    : "it is " + (doc.isArray() ? "an array" : "a " + doc.getNodeType().name().toLowerCase(Locale.ROOT))));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        doc.path("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText()
                : e.getValue().toString()));
        MetricsSnapshot metrics;
        try {
            metrics = JSON.treeToValue(doc.get("metrics"), MetricsSnapshot.class);
        } catch (JsonProcessingException e) {
            throw new IOException(metricsJson() + ": metrics: " + e.getOriginalMessage());
        }
        if (metrics.actions() == null) {
            metrics = new MetricsSnapshot(metrics.botCount(), metrics.totalErrorCount(), metrics.runs(), Map.of(), metrics.droppedArrivals());
        }
        List<ReportData.Second> seconds = new ArrayList<>();
        Map<String, Histogram> latencies = new LinkedHashMap<>();
        try {
            IntervalLogReader.read(hlog(), IntervalLog.sidecarOf(hlog()), interval -> {
                seconds.add(ReportData.Second.of(interval));
                interval.actions().forEach((name, a) -> latencies.computeIfAbsent(name, k -> new Histogram(3)).add(a.latencyMicros()));
            });
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(e.getFile(), null, "missing: the interval log a run writes as it goes");
        }
        return new ReportData(settings, metrics, ending(doc.get("result")), seconds, latencies);
    }

    private ReportData.Ending ending(JsonNode r) throws IOException {
        List<BotFailure> failures = new ArrayList<>();
        for (JsonNode f : r.path("failures")) {
            failures.add(read(f, BotFailure.class, "result.failures[" + failures.size() + "]", "an object with bot, action, kind and reason"));
        }
        List<ThresholdResult> thresholds = null;
        if (r.path("thresholds").isArray()) {
            thresholds = new ArrayList<>();
            for (JsonNode t : r.get("thresholds")) {
                thresholds.add(read(t, ThresholdResult.class, "result.thresholds[" + thresholds.size() + "]",
                        "an object with threshold, actual and passed"));
            }
        }
        return new ReportData.Ending(r.path("passed").asBoolean(), r.path("reason").asText(""), r.path("bots").asLong(),
                r.path("done").asLong(), r.path("errors").asLong(), failures, thresholds);
    }

    private <T> T read(JsonNode node, Class<T> type, String where, String expected) throws IOException {
        if (!node.isObject()) {
            throw new IOException(metricsJson() + ": " + where + " should be " + expected + "; it is " + node);
        }
        try {
            return JSON.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IOException(metricsJson() + ": " + where + ": " + e.getOriginalMessage());
        }
    }

    private static Iterable<String> iterable(java.util.Iterator<String> names) {
        return () -> names;
    }

    /** Written beside, then renamed over: a reader (GET /report, a browser) never sees half a file. */
    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
