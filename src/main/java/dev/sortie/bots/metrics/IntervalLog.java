package dev.sortie.bots.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The interval log of a run, written as it goes ({@link IntervalLogReader} reads it back): one
 * HdrHistogram per action per interval in an {@code .hlog} file (HdrHistogram's {@link HistogramLogWriter} format, latencies in microseconds,
 * tag = the action name {@link #tag escaped}), and a JSON-lines sidecar with what that format
 * cannot carry: each interval's outcome counts, errors and bots. Both merge across machines
 * (add the histograms and counts of the same second), which issue 12's coordinator will do.
 */
public final class IntervalLog implements MetricsSink {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One sidecar line: an interval without its histograms. */
    record Line(@JsonProperty("start_ms") long startMs, @JsonProperty("end_ms") long endMs, @JsonProperty("bots") long bots,
            @JsonProperty("errors") long errors, @JsonProperty("actions") Map<String, Counts> actions) {
    }

    record Counts(@JsonProperty("runs") long runs, @JsonProperty("ok") long ok, @JsonProperty("fail") long fail,
            @JsonProperty("error") long error) {
    }

    private final Path hlog;
    private final Path sidecar;
    private final PrintStream histograms;
    private final PrintStream lines;
    private final HistogramLogWriter writer;
    private final long baseMillis;

    private IntervalLog(Path hlog, Path sidecar, PrintStream histograms, PrintStream lines, long baseMillis) {
        this.hlog = hlog;
        this.sidecar = sidecar;
        this.histograms = histograms;
        this.lines = lines;
        this.baseMillis = baseMillis;
        this.writer = new HistogramLogWriter(histograms);
        writer.outputComment("Sortie bots interval log: latencies in microseconds (the max column in milliseconds); "
                + "tag = the action, percent-escaped; counts, errors and bots in " + sidecar.getFileName());
        writer.outputLogFormatVersion();
        writer.outputStartTime(baseMillis);
        writer.setBaseTime(baseMillis);
        writer.outputBaseTime(baseMillis);
        writer.outputLegend();
    }

    /**
     * Creates (or empties) both files; a run's intervals are timed from {@code baseMillis}.
     * FileOutputStream, not a channel: the metrics thread is interrupted at the end of a run, and that must not close the files.
     */
    public static IntervalLog open(Path hlog, Path sidecar, long baseMillis) throws IOException {
        for (Path p : List.of(hlog, sidecar)) {
            Path parent = p.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
        PrintStream h = new PrintStream(new BufferedOutputStream(new FileOutputStream(hlog.toFile())), false, StandardCharsets.US_ASCII);
        PrintStream s;
        try {
            s = new PrintStream(new BufferedOutputStream(new FileOutputStream(sidecar.toFile())), false, StandardCharsets.UTF_8);
        } catch (IOException e) {
            h.close();
            throw e;
        }
        return new IntervalLog(hlog, sidecar, h, s, baseMillis);
    }

    /** The sidecar beside an hlog file: {@code intervals.hlog} -> {@code intervals.jsonl}. */
    public static Path sidecarOf(Path hlog) {
        String name = hlog.getFileName().toString();
        return hlog.resolveSibling((name.endsWith(".hlog") ? name.substring(0, name.length() - 5) : name) + ".jsonl");
    }

    public Path file() {
        return hlog;
    }

    @Override
    public synchronized void interval(Interval interval) throws IOException {
        double start = (interval.startMillis() - baseMillis) / 1000.0;
        double end = (interval.endMillis() - baseMillis) / 1000.0;
        Map<String, Counts> counts = new LinkedHashMap<>();
        interval.actions().forEach((action, a) -> {
            counts.put(action, new Counts(a.runs(), a.ok(), a.fail(), a.error()));
            if (a.latencyMicros().getTotalCount() > 0) {
                Histogram h = a.latencyMicros().copy();
                h.setTag(tag(action));
                writer.outputIntervalHistogram(start, end, h, 1000.0);
            }
        });
        lines.println(json(new Line(interval.startMillis(), interval.endMillis(), interval.bots(), interval.errors(), counts)));
        // flushed each second, so a run that is killed keeps its intervals and a live reader sees them
        histograms.flush();
        lines.flush();
        check();
    }

    private static String json(Line line) {
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void check() throws IOException {
        if (histograms.checkError()) {
            throw new IOException("cannot write the interval log " + hlog);
        }
        if (lines.checkError()) {
            throw new IOException("cannot write the interval log's counts " + sidecar);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        histograms.flush();
        lines.flush();
        try {
            check();
        } finally {
            histograms.close();
            lines.close();
        }
    }

    /**
     * An action name as an hlog tag: the format ends a tag at a comma and splits on whitespace, so
     * {@code %}, {@code ,}, whitespace, control and non-ASCII characters become {@code %XX} (UTF-8).
     */
    public static String tag(String action) {
        StringBuilder out = new StringBuilder(action.length() + 8);
        for (byte b : action.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > ' ' && c < 0x7f && c != '%' && c != ',') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** The action a tag names (the inverse of {@link #tag}). */
    public static String action(String tag) {
        byte[] out = new byte[tag.length()];
        int n = 0;
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            int hex = c == '%' && i + 2 < tag.length() ? hex(tag.charAt(i + 1), tag.charAt(i + 2)) : -1;
            if (hex >= 0) {
                out[n++] = (byte) hex;
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static int hex(char high, char low) {
        int h = Character.digit(high, 16);
        int l = Character.digit(low, 16);
        return h < 0 || l < 0 ? -1 : h << 4 | l;
    }
}
