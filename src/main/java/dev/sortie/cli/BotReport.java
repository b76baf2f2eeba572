package dev.sortie.cli;

import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.run.BotFailure;
import dev.sortie.bots.run.RunResult;
import dev.sortie.bots.run.ThresholdResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Renders bot runs for people (progress line, summary table, thresholds) and for CI (JUnit XML). */
final class BotReport {

    private BotReport() {
    }

    /** {@code   12s  bots 100/100  requests 12,345 (1,020/s)  errors 0  p99 3.2ms} */
    static String progress(double elapsedSeconds, int alive, int wanted, long runs, double perSecond, long errors, double p99) {
        return String.format(Locale.ROOT, "%5.0fs  bots %d/%d  requests %,d (%,.0f/s)  errors %,d  p99 %s",
                elapsedSeconds, alive, wanted, runs, perSecond, errors, ActionSnapshot.millis(p99));
    }

    /** One row per action: runs, outcomes, average and percentile latencies. */
    static List<String> table(MetricsSnapshot m) {
        List<String> out = new ArrayList<>();
        int width = Math.max(6, m.actions().keySet().stream().mapToInt(String::length).max().orElse(6));
        width = Math.min(width, 48);
        String format = "%-" + width + "s %8s %8s %6s %6s %9s %9s %9s %9s %9s";
        out.add(String.format(Locale.ROOT, format, "action", "runs", "succeed", "fail", "error", "avg", "p50", "p90", "p99", "max"));
        for (Map.Entry<String, ActionSnapshot> e : m.actions().entrySet()) {
            ActionSnapshot a = e.getValue();
            String name = e.getKey().length() > width ? e.getKey().substring(0, width - 3) + "..." : e.getKey();
            out.add(String.format(Locale.ROOT, format, name, a.runs(), a.successCount(), a.failCount(), a.errorCount(),
                    ActionSnapshot.millis(a.duration()), ActionSnapshot.millis(a.p50()), ActionSnapshot.millis(a.p90()),
                    ActionSnapshot.millis(a.p99()), ActionSnapshot.millis(a.max())));
        }
        if (m.actions().isEmpty()) {
            out.add("(no actions ran)");
        }
        return out;
    }


    /**
     * A JUnit XML report CI servers understand: one test case per bot ("bot 3"), failed with its
     * reason if it did not reach done, one per threshold, and the action table as system-out.
     */
    static void writeJUnit(Path file, String suite, RunResult result, MetricsSnapshot m, double seconds) throws IOException {
        Map<Long, BotFailure> failed = new LinkedHashMap<>();
        for (BotFailure f : result.failures()) {
            failed.putIfAbsent(f.bot(), f);
        }
        long notDone = result.bots() - result.done();
        boolean more = notDone > failed.size();
        long thresholdsFailed = result.failedThresholds().size();
        long tests = result.bots() + (more ? 1 : 0) + result.thresholds().size();
        long failures = Math.min(notDone, failed.size()) + (more ? 1 : 0) + thresholdsFailed;
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".junit", ".xml");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(w);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", clean(suite));
            x.writeAttribute("tests", Long.toString(tests));
            x.writeAttribute("failures", Long.toString(failures));
            x.writeAttribute("errors", "0");
            x.writeAttribute("time", String.format(Locale.ROOT, "%.3f", seconds));
            for (long id = 1; id <= result.bots(); id++) {
                BotFailure f = failed.get(id);
                testCase(x, suite, "bot " + id, f == null ? null : f.what(), f == null ? null : f.kind().key());
            }
            if (more) {
                testCase(x, suite, "more bots", (notDone - failed.size()) + " more bots did not reach done (the first "
                        + failed.size() + " are itemised)", "fail");
            }
            for (ThresholdResult t : result.thresholds()) {
                testCase(x, suite + ".thresholds", t.threshold(), t.passed() ? null : "measured " + t.actual(), "threshold");
            }
            x.writeCharacters("\n  ");
            x.writeStartElement("system-out");
            List<String> out = new ArrayList<>(table(m));
            out.addAll(thresholdLines(result));
            out.add(result.reason());
            x.writeCharacters(clean(String.join("\n", out)));
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot write the JUnit report " + file + ": " + e.getMessage(), e);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One test case; failed with {@code message} unless it is null. */
    private static void testCase(XMLStreamWriter x, String classname, String name, String message, String type) throws XMLStreamException {
        x.writeCharacters("\n  ");
        if (message == null) {
            x.writeEmptyElement("testcase");
            x.writeAttribute("classname", clean(classname));
            x.writeAttribute("name", clean(name));
            return;
        }
        x.writeStartElement("testcase");
        x.writeAttribute("classname", clean(classname));
        x.writeAttribute("name", clean(name));
        x.writeCharacters("\n    ");
        x.writeStartElement("failure");
        x.writeAttribute("message", clean(message));
        x.writeAttribute("type", type);
        x.writeCharacters(clean(message));
        x.writeEndElement();
        x.writeCharacters("\n  ");
        x.writeEndElement();
    }

    /** XML 1.0 cannot carry most control characters, even escaped: they become spaces. */
    static String clean(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.appendCodePoint(c < 0x20 && c != '\n' && c != '\t' || c == 0xFFFE || c == 0xFFFF ? ' ' : c));
        return out.toString();
    }

    /** {@code   ok    all: p99 < 200ms (measured 3.2ms)}, one line per threshold; none without thresholds. */
    static List<String> thresholdLines(RunResult result) {
        List<String> out = new ArrayList<>();
        if (result.thresholds().isEmpty()) {
            return out;
        }
        out.add("thresholds:");
        for (ThresholdResult t : result.thresholds()) {
            out.add(String.format(Locale.ROOT, "  %-6s %s (measured %s)", t.passed() ? "ok" : "FAILED", t.threshold(), t.actual()));
        }
        return out;
    }

    /** The bots' failures, unless the reason already names the only one: each is said once. */
    static List<String> failureLines(RunResult result, int most) {
        List<String> out = new ArrayList<>();
        if (result.failures().size() < 2) {
            return out;
        }
        result.failures().stream().limit(most).forEach(f -> out.add(f.line()));
        if (result.failures().size() > most) {
            out.add("... and " + (result.failures().size() - most) + " more");
        }
        return out;
    }

    static void printTable(PrintWriter out, MetricsSnapshot m) {
        table(m).forEach(l -> out.println("  " + l));
    }
}
