package dev.sortie.bots.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The interval log of a run, written as it goes: one HdrHistogram per action per interval in an
 * {@code .hlog} file (HdrHistogram's {@link HistogramLogWriter} format, latencies in microseconds,
 * tag = the action name {@link #tag escaped}), and a JSON-lines sidecar with what that format
 * cannot carry: each interval's outcome counts, errors and bots. Both merge across machines
 * (add the histograms and counts of the same second), which issue 12's coordinator will do.
 */
public final class IntervalLog implements MetricsSink {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /**
     * The histograms of an hlog file, with their tags and absolute start and end (epoch ms). This
     * reads the format as {@link HistogramLogReader} does (tags, BaseTime or StartTime, relative or
     * absolute times), line by line without its Scanner, which takes milliseconds per histogram:
     * an hour of 10 actions is 36,000 of them.
     */
    static List<Histogram> histograms(Path hlog) throws IOException {
        List<Histogram> out = new ArrayList<>();
        histograms(hlog, out::add);
        return out;
    }

    /** The same, one at a time, so a long run's histograms need not all be in memory at once. */
    static void histograms(Path hlog, HistogramConsumer out) throws IOException {
        double baseSeconds = Double.NaN;
        double startSeconds = Double.NaN;
        int n = 0;
        try (BufferedReader in = Files.newBufferedReader(hlog, StandardCharsets.US_ASCII)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                n++;
                if (line.startsWith("#[BaseTime: ")) {
                    baseSeconds = seconds(line, "#[BaseTime: ");
                } else if (line.startsWith("#[StartTime: ")) {
                    startSeconds = seconds(line, "#[StartTime: ");
                } else if (!line.isBlank() && !line.startsWith("#") && !line.startsWith("\"StartTimestamp\"")) {
                    String tag = null;
                    String rest = line;
                    if (line.startsWith("Tag=")) {
                        int comma = line.indexOf(',');
                        tag = comma < 0 ? "" : line.substring(4, comma);
                        rest = comma < 0 ? "" : line.substring(comma + 1);
                    }
                    String[] f = rest.split(",");
                    try {
                        double start = Double.parseDouble(f[0]);
                        double length = Double.parseDouble(f[1]);
                        Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(f[3].trim())), 0);
                        // as HistogramLogReader: times are relative to BaseTime, else to StartTime unless they are absolute already
                        double offset = !Double.isNaN(baseSeconds) ? baseSeconds
                                : !Double.isNaN(startSeconds) && start < 365.25 * 24 * 3600 * 10 ? startSeconds : 0;
                        h.setStartTimeStamp(Math.round((offset + start) * 1000));
                        h.setEndTimeStamp(Math.round((offset + start + length) * 1000));
                        h.setTag(tag);
                        out.accept(h);
                    } catch (RuntimeException | DataFormatException e) {
                        throw new IOException(hlog + ":" + n + ": not an interval histogram line: " + e.getMessage());
                    }
                }
            }
        }
    }

    /** Takes one histogram, or one interval, as the log is read. */
    @FunctionalInterface
    interface HistogramConsumer {
        void accept(Histogram h) throws IOException;
    }

    /** Takes each interval of a log in order, as {@link #read(Path, Path, IntervalConsumer)} reads it. */
    @FunctionalInterface
    public interface IntervalConsumer {
        void accept(Interval interval) throws IOException;
    }

    private static double seconds(String line, String prefix) throws IOException {
        String rest = line.substring(prefix.length()).trim();
        int space = rest.indexOf(' ');
        try {
            return Double.parseDouble(space < 0 ? rest.replace("]", "") : rest.substring(0, space));
        } catch (NumberFormatException e) {
            throw new IOException("not a time in seconds: " + line);
        }
    }

    /**
     * Reads a run's intervals back from an hlog file and its sidecar, in order. A torn last sidecar
     * line (a run killed mid-write) is left out; any other malformed line is an error naming it.
     */
    public static List<Interval> read(Path hlog, Path sidecar) throws IOException {
        List<Interval> out = new ArrayList<>();
        read(hlog, sidecar, out::add);
        return out;
    }

    /**
     * Reads the intervals one at a time, in order: a report of an hour of 10 actions reads 36,000
     * histograms of about 60 KB each, which need not all be in memory at once.
     */
    public static void read(Path hlog, Path sidecar, IntervalConsumer each) throws IOException {
        List<String> text = Files.readAllLines(sidecar, StandardCharsets.UTF_8);
        TreeMap<Long, Line> byStart = new TreeMap<>();
        for (int i = 0; i < text.size(); i++) {
            String l = text.get(i);
            if (l.isBlank()) {
                continue;
            }
            try {
                Line line = JSON.readValue(l, Line.class);
                byStart.put(line.startMs(), line);
            } catch (JsonProcessingException e) {
                if (i == text.size() - 1) {
                    break;
                }
                throw new IOException(sidecar + ":" + (i + 1) + ": not an interval line: " + e.getOriginalMessage());
            }
        }
        Map<String, Histogram> current = new LinkedHashMap<>();
        long[] currentKey = {Long.MIN_VALUE};
        histograms(hlog, h -> {
            // the hlog keeps milliseconds to 3 decimals of a second: match a histogram to the line that starts within 2ms
            Map.Entry<Long, Line> line = byStart.floorEntry(h.getStartTimeStamp() + 2);
            if (line == null || h.getStartTimeStamp() - line.getKey() > 2) {
                throw new IOException(hlog + ": a histogram of " + action(h.getTag()) + " at " + h.getStartTimeStamp()
                        + " ms has no interval in " + sidecar + (line == null || currentKey[0] <= line.getKey() ? "" : " (or is out of order)"));
            }
            if (line.getKey() != currentKey[0]) {
                if (line.getKey() < currentKey[0]) {
                    throw new IOException(hlog + ": the histogram of " + action(h.getTag()) + " at " + h.getStartTimeStamp()
                            + " ms comes after a later interval's (the log is written in order)");
                }
                emitUpTo(byStart, line.getKey(), currentKey[0], current, each);
                current.clear();
                currentKey[0] = line.getKey();
            }
            current.merge(action(h.getTag()), h, (x, y) -> {
                x.add(y);
                return x;
            });
        });
        emitUpTo(byStart, Long.MAX_VALUE, currentKey[0], current, each);
    }

    /** Hands on every interval before {@code until} not handed on yet; {@code latencies} belong to the one at {@code key}. */
    private static void emitUpTo(TreeMap<Long, Line> byStart, long until, long key, Map<String, Histogram> latencies, IntervalConsumer each)
            throws IOException {
        while (!byStart.isEmpty() && byStart.firstKey() < until) {
            Line line = byStart.pollFirstEntry().getValue();
            Map<String, Histogram> hs = line.startMs() == key ? latencies : Map.of();
            Map<String, Interval.Action> actions = new LinkedHashMap<>();
            line.actions().forEach((name, c) -> {
                Histogram h = hs.containsKey(name) ? hs.get(name) : new Histogram(3);
                h.setTag(null);
                actions.put(name, new Interval.Action(h, c.runs(), c.ok(), c.fail(), c.error()));
            });
            each.accept(new Interval(line.startMs(), line.endMs(), line.bots(), line.errors(), actions));
        }
    }
}
