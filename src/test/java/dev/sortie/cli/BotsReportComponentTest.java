package dev.sortie.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.testing.Chromium;
import dev.sortie.testing.NotesServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real {@code sortie bots run --report DIR} against a real loopback server, its report opened in
 * real headless Chromium: no console errors, nothing fetched but the file itself, and every figure
 * in the actions, thresholds and settings tables equal to the run's metrics.json, for a closed run
 * without thresholds and an open-model run with a passing and a failing one. The screenshots stay
 * in target/chromium/.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BotsReportComponentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TREE = """
            tree:
              sequence:
                - name: health
                  request: {path: /health}
                - select:
                    - name: GET /missing
                      request: {path: /status/404}
                      expect: {status: 200}
                    - name: create <note> & "read" it
                      request: {method: POST, path: /api/notes, json: {text: "report ${bot_id}"}}
                      expect: {status: 201}
                - wait: 0.005
            """;

    @TempDir
    Path dir;

    @Test
    void aRealRunsReportShowsItsMetricsInChromium() throws Exception {
        Path tree = Files.writeString(dir.resolve("load.yml"), TREE);
        Path report = dir.resolve("report");
        StringWriter out = new StringWriter();
        int exit;
        try (NotesServer target = new NotesServer()) {
            exit = cli(out, "bots", "run", "--tree", tree.toString(), "--target", target.url(), "--n", "4", "--duration", "3s",
                    "--log", dir.resolve("bot_run.log").toString(), "--report", report.toString());
        }
        assertEquals(0, exit, out.toString());
        assertTrue(out.toString().contains("report: " + report.resolve("index.html")), out.toString());
        JsonNode metrics = JSON.readTree(report.resolve("metrics.json").toFile());
        JsonNode actions = metrics.path("metrics").path("actions");
        assertEquals(List.of("health", "GET /missing", "create <note> & \"read\" it"), names(actions.fieldNames()));
        assertTrue(actions.path("GET /missing").path("fail_count").asLong() > 0, "the tree's failing branch ran");
        assertEquals(tree.toString(), metrics.path("settings").path("tree").asText());
        int intervals = Files.readAllLines(report.resolve("intervals.jsonl")).size();
        assertTrue(intervals >= 3, "a 3s run has at least 3 intervals, got " + intervals);

        try (Chromium chromium = Chromium.start(dir, 1400, 1000)) {
            Chromium.Page page = chromium.open(report.resolve("index.html").toUri().toString());
            assertEquals(List.of(), page.errors(), "console errors");
            assertEquals(List.of(report.resolve("index.html").toUri().toString()), page.requests(), "the report loads nothing but itself (no CDN, works offline)");

            assertActionsTableIs(actions, page);
            assertSettingsTableIs(metrics.path("settings"), page);
            assertEquals("closed: looping bots", metrics.path("settings").path("load model").asText());
            assertEquals(0, page.eval("document.querySelectorAll('#tile-dropped-arrivals').length").asInt(), "a closed run drops no arrivals");
            assertEquals(metrics.path("metrics").path("runs").asLong(), page.eval("Number(document.getElementById('tile-runs').dataset.value)").asLong());
            assertEquals("none set", page.eval("document.getElementById('thresholds').textContent").asText());
            assertEquals("PASSED: the run's duration ended", page.eval("document.getElementById('verdict').textContent").asText());
            assertEquals(intervals, page.eval("Number(document.querySelector('#chart-rps .series').dataset.points)").asInt(),
                    "one point a second");
            assertEquals(actions.size(), page.eval("document.querySelectorAll('svg[id^=chart-latency-]').length").asInt());
            assertEquals(actions.size(), page.eval("document.querySelectorAll('#chart-distribution .series').length").asInt());
            assertTrue(page.eval("document.getElementById('chart-rps').getBoundingClientRect().width").asDouble() > 300,
                    "the charts are laid out at a readable size");
            page.screenshot(Path.of("target", "chromium", "report.png"));
            assertEquals(List.of(), page.errors(), "console errors");
        }

        // the report renders again from the dir's data alone, to the same page
        String first = Files.readString(report.resolve("index.html"));
        Files.delete(report.resolve("index.html"));
        StringWriter again = new StringWriter();
        assertEquals(0, cli(again, "bots", "report", report.toString()), again.toString());
        assertEquals(first, Files.readString(report.resolve("index.html")));
    }

    @Test
    void anOpenModelRunWithAPassingAndAFailingThresholdShowsBothInChromium() throws Exception {
        Path tree = Files.writeString(dir.resolve("open.yml"), TREE.replace("wait: 0.005", "wait: 0.2"));
        Path report = dir.resolve("open-report");
        StringWriter out = new StringWriter();
        int exit;
        try (NotesServer target = new NotesServer()) {
            // two bots of 0.2 s or more cannot take 20 arrivals a second: most are dropped
            exit = cli(out, "bots", "run", "--tree", tree.toString(), "--target", target.url(), "--arrival-rate", "20/s", "--max-bots", "2",
                    "--duration", "3s", "--threshold", "health: p99 < 10s", "--threshold", "GET /missing: fail_rate < 1%",
                    "--log", dir.resolve("open_run.log").toString(), "--report", report.toString());
        }
        assertEquals(1, exit, "a failed threshold fails the run: " + out);
        JsonNode metrics = JSON.readTree(report.resolve("metrics.json").toFile());
        JsonNode thresholds = metrics.path("result").path("thresholds");
        assertEquals(2, thresholds.size(), metrics.toString());
        assertEquals("health: p99 < 10s", thresholds.at("/0/threshold").asText());
        assertTrue(thresholds.at("/0/passed").asBoolean(), thresholds.toString());
        assertEquals("GET /missing: fail_rate < 1%", thresholds.at("/1/threshold").asText());
        assertFalse(thresholds.at("/1/passed").asBoolean(), "every GET /missing fails: " + thresholds);
        long dropped = metrics.path("metrics").path("dropped_arrivals").asLong(-1);
        assertTrue(dropped > 0, "arrivals were dropped at --max-bots 2: " + metrics.path("metrics"));
        assertEquals(dropped, metrics.path("result").path("dropped_arrivals").asLong(), "the metrics and the result count the same drops");
        assertEquals("open: a bot per arrival at 20/s", metrics.path("settings").path("load model").asText());
        assertEquals("2", metrics.path("settings").path("max bots").asText());

        try (Chromium chromium = Chromium.start(dir, 1400, 1000)) {
            Chromium.Page page = chromium.open(report.resolve("index.html").toUri().toString());
            assertEquals(List.of(), page.errors(), "console errors");
            JsonNode shown = page.eval("""
                    [...document.querySelectorAll('#thresholds tbody tr')].map(tr => ({passed: tr.dataset.passed, cls: tr.className,
                      cells: [...tr.querySelectorAll('td')].map(td => td.textContent)}))
                    """);
            assertEquals(thresholds.size(), shown.size(), shown.toString());
            for (int i = 0; i < thresholds.size(); i++) {
                JsonNode t = thresholds.get(i);
                JsonNode row = shown.get(i);
                boolean passed = t.path("passed").asBoolean();
                assertEquals(List.of(t.path("threshold").asText(), t.path("actual").asText(), passed ? "passed" : "FAILED"),
                        List.of(row.at("/cells/0").asText(), row.at("/cells/1").asText(), row.at("/cells/2").asText()), "threshold " + i);
                assertEquals(Boolean.toString(passed), row.path("passed").asText(), "threshold " + i);
                assertEquals(passed ? "passed" : "failed", row.path("cls").asText(), "threshold " + i);
            }
            assertEquals("FAILED: " + metrics.path("result").path("reason").asText(),
                    page.eval("document.getElementById('verdict').textContent").asText());
            assertEquals(dropped, page.eval("Number(document.getElementById('tile-dropped-arrivals').dataset.value)").asLong());
            assertActionsTableIs(metrics.path("metrics").path("actions"), page);
            assertSettingsTableIs(metrics.path("settings"), page);
            page.screenshot(Path.of("target", "chromium", "report-thresholds.png"));
            assertEquals(List.of(), page.errors(), "console errors");
        }
    }

    @Test
    void badReportDirsGetAClearError() throws Exception {
        StringWriter err = new StringWriter();
        assertEquals(3, cli(err, "bots", "report", dir.resolve("nope").toString()));
        assertTrue(err.toString().contains("cannot render a report from " + dir.resolve("nope") + ": " + dir.resolve("nope")
                + ": no such run directory (sortie bots run --report DIR writes one)"), err.toString());
        Files.createDirectories(dir.resolve("half"));
        err.getBuffer().setLength(0);
        assertEquals(3, cli(err, "bots", "report", dir.resolve("half").toString()));
        assertTrue(err.toString().contains(dir.resolve("half/metrics.json") + ": missing: a run writes it when it ends"), err.toString());
        Files.writeString(dir.resolve("half/metrics.json"), "[1]");
        err.getBuffer().setLength(0);
        assertEquals(3, cli(err, "bots", "report", dir.resolve("half").toString()));
        assertTrue(err.toString().contains("metrics.json should be an object with settings, metrics and result; it is an array"), err.toString());
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Path tree = Files.writeString(dir.resolve("t.yml"), "tree: {sequence: [done]}\n");
        err.getBuffer().setLength(0);
        assertEquals(2, cli(err, "bots", "test", "--tree", tree.toString(), "--target", "http://127.0.0.1:9", "--log",
                dir.resolve("bot_run.log").toString(), "--report", file.toString()));
        assertTrue(err.toString().contains("--report " + file + " is a file; give a directory"), err.toString());
    }

    /** Every row and figure of the page's actions table is metrics.json's, both the exact value and the text shown. */
    private static void assertActionsTableIs(JsonNode actions, Chromium.Page page) throws Exception {
        JsonNode shown = page.eval("""
                [...document.querySelectorAll('#actions tbody tr')].map(tr => ({action: tr.dataset.action,
                  cells: Object.fromEntries([...tr.querySelectorAll('td')].map(td => [td.dataset.field, [td.dataset.value, td.textContent]]))}))
                """);
        assertEquals(actions.size(), shown.size());
        int row = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = actions.fields(); it.hasNext(); row++) {
            Map.Entry<String, JsonNode> a = it.next();
            JsonNode cells = shown.get(row).path("cells");
            assertEquals(a.getKey(), shown.get(row).path("action").asText());
            for (String[] f : new String[][] {{"runs", "runs"}, {"ok", "success_count"}, {"fail", "fail_count"}, {"error", "error_count"}}) {
                long expected = a.getValue().path(f[1]).asLong();
                assertEquals(expected, Long.parseLong(cells.path(f[0]).get(0).asText()), a.getKey() + " " + f[0]);
                assertEquals(String.format(Locale.ROOT, "%,d", expected), cells.path(f[0]).get(1).asText(), a.getKey() + " " + f[0]);
            }
            for (String[] f : new String[][] {{"avg", "duration"}, {"p50", "p50"}, {"p90", "p90"}, {"p99", "p99"}, {"max", "max"}}) {
                double expected = a.getValue().path(f[1]).asDouble();
                assertEquals(expected, Double.parseDouble(cells.path(f[0]).get(0).asText()), a.getKey() + " " + f[0]);
                assertEquals(ActionSnapshot.millis(expected), cells.path(f[0]).get(1).asText(), a.getKey() + " " + f[0]);
            }
        }
    }

    /** The settings table lists metrics.json's settings, in order. */
    private static void assertSettingsTableIs(JsonNode settings, Chromium.Page page) throws Exception {
        JsonNode shown = page.eval("[...document.querySelectorAll('#settings tr')].map(tr => [tr.dataset.setting, tr.querySelector('td').textContent])");
        List<List<String>> expected = new ArrayList<>();
        settings.fields().forEachRemaining(e -> expected.add(List.of(e.getKey(), e.getValue().asText())));
        List<List<String>> got = new ArrayList<>();
        shown.forEach(row -> got.add(List.of(row.get(0).asText(), row.get(1).asText())));
        assertEquals(expected, got);
    }

    private static List<String> names(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** The real command line in this JVM; out and err both go to {@code into}. */
    private static int cli(StringWriter into, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(into, true));
        cli.setErr(new PrintWriter(into, true));
        return cli.execute(args);
    }
}
