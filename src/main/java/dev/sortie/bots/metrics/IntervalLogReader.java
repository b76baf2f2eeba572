package dev.sortie.bots.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedReader;
import java.io.IOException;
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

/** Reads an {@link IntervalLog} back: its hlog file and sidecar, joined into {@link Interval}s, in order. */
public final class IntervalLogReader {

    private IntervalLogReader() {
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
        TreeMap<Long, IntervalLog.Line> byStart = new TreeMap<>();
        for (int i = 0; i < text.size(); i++) {
            String l = text.get(i);
            if (l.isBlank()) {
                continue;
            }
            try {
                IntervalLog.Line line = IntervalLog.JSON.readValue(l, IntervalLog.Line.class);
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
            Map.Entry<Long, IntervalLog.Line> line = byStart.floorEntry(h.getStartTimeStamp() + 2);
            if (line == null || h.getStartTimeStamp() - line.getKey() > 2) {
                throw new IOException(hlog + ": a histogram of " + IntervalLog.action(h.getTag()) + " at " + h.getStartTimeStamp()
                        + " ms has no interval in " + sidecar + (line == null || currentKey[0] <= line.getKey() ? "" : " (or is out of order)"));
            }
            if (line.getKey() != currentKey[0]) {
                if (line.getKey() < currentKey[0]) {
                    throw new IOException(hlog + ": the histogram of " + IntervalLog.action(h.getTag()) + " at " + h.getStartTimeStamp()
                            + " ms comes after a later interval's (the log is written in order)");
                }
                emitUpTo(byStart, line.getKey(), currentKey[0], current, each);
                current.clear();
                currentKey[0] = line.getKey();
            }
            current.merge(IntervalLog.action(h.getTag()), h, (x, y) -> {
                x.add(y);
                return x;
            });
        });
        emitUpTo(byStart, Long.MAX_VALUE, currentKey[0], current, each);
    }

    /** Hands on every interval before {@code until} not handed on yet; {@code latencies} belong to the one at {@code key}. */
    private static void emitUpTo(TreeMap<Long, IntervalLog.Line> byStart, long until, long key, Map<String, Histogram> latencies, IntervalConsumer each)
            throws IOException {
        while (!byStart.isEmpty() && byStart.firstKey() < until) {
            IntervalLog.Line line = byStart.pollFirstEntry().getValue();
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
