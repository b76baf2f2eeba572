package dev.sortie.cli;

import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.run.RunResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Renders bot runs for people (progress line, summary table) and for CI (JUnit XML). */
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
     * reason if it did not reach done, plus one per action with its counts as system-out.
     */
    static void writeJUnit(Path file, String suite, RunResult result, MetricsSnapshot m, double seconds) throws IOException {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        long failures = result.bots() - result.done();
        x.append(String.format(Locale.ROOT, "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" time=\"%.3f\">%n",
                xml(suite), result.bots() + (failures > countListed(result) ? 1 : 0), Math.min(failures, countListed(result))
                        + (failures > countListed(result) ? 1 : 0), seconds));
        Map<Long, String> failed = new HashMap<>();
        for (String f : result.failures()) {
            Matcher mm = Pattern.compile("^bot (\\d+): (.*)$", Pattern.DOTALL).matcher(f);
            if (mm.matches()) {
                failed.put(Long.parseLong(mm.group(1)), mm.group(2));
            }
        }
        for (long id = 1; id <= result.bots(); id++) {
            x.append("  <testcase classname=\"").append(xml(suite)).append("\" name=\"bot ").append(id).append("\"");
            String reason = failed.get(id);
            if (reason == null) {
                x.append("/>\n");
            } else {
                x.append(">\n    <failure message=\"").append(xml(reason)).append("\">").append(xml(reason)).append("</failure>\n  </testcase>\n");
            }
        }
        if (failures > failed.size()) {
            String more = (failures - failed.size()) + " more bots did not reach done (the first " + failed.size() + " are itemised)";
            x.append("  <testcase classname=\"").append(xml(suite)).append("\" name=\"more bots\">\n    <failure message=\"")
                    .append(xml(more)).append("\"/>\n  </testcase>\n");
        }
        x.append("  <system-out>").append(xml(String.join("\n", table(m)))).append("\n").append(xml(result.reason())).append("</system-out>\n");
        x.append("</testsuite>\n");
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".junit", ".xml");
        Files.writeString(tmp, x, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static long countListed(RunResult result) {
        return result.failures().stream().filter(f -> f.matches("(?s)^bot \\d+: .*")).count();
    }

    private static String xml(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return out.toString();
    }

    static void printTable(PrintWriter out, MetricsSnapshot m) {
        table(m).forEach(l -> out.println("  " + l));
    }
}
