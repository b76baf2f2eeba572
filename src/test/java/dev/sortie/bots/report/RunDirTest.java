package dev.sortie.bots.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.metrics.Interval;
import dev.sortie.bots.metrics.IntervalLog;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.run.BotFailure;
import dev.sortie.bots.run.RunResult;
import dev.sortie.bots.run.ThresholdResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A run dir's data to its page: thresholds (or "none set"), failure records, dropped arrivals, escaping, bad data. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RunDirTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NASTY = "GET /<script>alert(1)</script> & \"x\"";

    @TempDir
    Path dir;

    private RunDir written(RunResult result) throws Exception {
        RunDir run = RunDir.at(dir.resolve("run"));
        long t0 = 1_790_000_000_000L;
        IntervalLog log = run.openIntervalLog(t0);
        for (int s = 0; s < 3; s++) {
            Histogram h = new Histogram(3);
            for (int i = 1; i <= 100; i++) {
                h.recordValue(i * 100L * (s + 1));
            }
            log.interval(new Interval(t0 + s * 1000L, t0 + (s + 1) * 1000L, 2, s, Map.of(NASTY, new Interval.Action(h, 100, 99, 1, 0))));
        }
        log.close();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("tree", "bots/<load>.yml");
        settings.put("target", "http://127.0.0.1:1");
        run.finish(settings, new MetricsSnapshot(0, 3, 300, Map.of(NASTY, new ActionSnapshot(12.5, 297, 0, 3, 300, 10, 20, 29.9, 30))),
                result);
        return run;
    }

    @Test
    void withoutThresholdsThePageSaysNoneSetAndEscapesEverything() throws Exception {
        String page = Files.readString(written(new RunResult(true, "every bot is done", 2, 2, 0, List.of(), List.of(), 0)).html());
        assertTrue(page.contains("<p id=\"thresholds\" class=\"none\">none set</p>"), page);
        assertFalse(page.contains("<script"), "no script at all, and the action's name is escaped");
        assertTrue(page.contains("<tr data-action=\"GET /&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;\">"), page);
        assertTrue(page.contains("<td data-field=\"p99\" data-value=\"29.9\">29.9ms</td>"), page);
        assertTrue(page.contains("<td data-field=\"fail\" data-value=\"3\" class=\"bad\">3</td>"), page);
        assertTrue(page.contains("<tr data-setting=\"tree\"><th>tree</th><td>bots/&lt;load&gt;.yml</td></tr>"), page);
        assertTrue(page.contains("id=\"chart-rps\""), page);
        assertTrue(page.contains("data-points=\"3\""), "a point per interval");
        assertFalse(page.replace("http://127.0.0.1:1", "").replace("xmlns=\"http://www.w3.org/2000/svg\"", "").contains("http"),
                "nothing links out");
        assertFalse(page.contains("src="), "nothing is loaded");
        assertEquals(1, page.split("href=", -1).length - 1, "the one href is the empty favicon");
        assertTrue(page.contains("<link rel=\"icon\" href=\"data:,\">"));
    }

    @Test
    void thresholdsAndFailureRecordsOfTheResultAreShown() throws Exception {
        RunDir run = written(new RunResult(false, "1 threshold failed", 2, 1, 1,
                List.of(new BotFailure(2, "GET /", BotFailure.Kind.ERROR, "boom <b>"), new BotFailure(7, null, BotFailure.Kind.STOPPED,
                        "the run was stopped")),
                List.of(new ThresholdResult("GET /: p99 < 20ms", "29.9ms", false), new ThresholdResult("all: error_rate < 1%", "0.0%", true)),
                0));
        JsonNode result = JSON.readTree(run.metricsJson().toFile()).get("result");
        assertEquals("error", result.at("/failures/0/kind").asText(), "metrics.json holds the records as the API writes them");
        assertTrue(result.at("/failures/1").has("bot") && !result.at("/failures/1").has("action"), result.toString());
        assertEquals("GET /: p99 < 20ms", result.at("/thresholds/0/threshold").asText());
        String page = Files.readString(run.html());
        assertTrue(page.contains("<tr class=\"failed\" data-passed=\"false\"><td>GET /: p99 &lt; 20ms</td><td>29.9ms</td><td>FAILED</td></tr>"), page);
        assertTrue(page.contains("<tr class=\"passed\" data-passed=\"true\"><td>all: error_rate &lt; 1%</td><td>0.0%</td><td>passed</td></tr>"), page);
        assertTrue(page.contains("<tr data-bot=\"2\"><td>2</td><td>GET /</td><td>error</td><td>boom &lt;b&gt;</td></tr>"), page);
        assertTrue(page.contains("<tr data-bot=\"7\"><td>7</td><td><span class=\"none\">none</span></td><td>stopped</td>"
                + "<td>the run was stopped</td></tr>"), page);
        assertTrue(page.contains("<p id=\"verdict\" class=\"verdict failed\">FAILED: 1 threshold failed</p>"), page);
        assertFalse(page.contains("tile-dropped-arrivals"), "a closed-model run has no dropped arrivals to show");
    }

    @Test
    void anOpenModelRunShowsItsDroppedArrivalsAndManyFailuresAreCut() throws Exception {
        RunDir run = written(new RunResult(true, "ok", 1, 1, 0, List.of(), List.of(), 0));
        ObjectNode doc = (ObjectNode) JSON.readTree(run.metricsJson().toFile());
        ((ObjectNode) doc.get("metrics")).put("dropped_arrivals", 1234);
        ArrayNode failures = ((ObjectNode) doc.get("result")).putArray("failures");
        for (int i = 0; i < 25; i++) {
            failures.addObject().put("bot", i).put("action", "GET /").put("kind", "timeout").put("reason", "timed out after 5ms")
                    .put("added_later", true);
        }
        Files.writeString(run.metricsJson(), JSON.writeValueAsString(doc));
        String page = Files.readString(run.render());
        assertTrue(page.contains("<div class=\"tile\" id=\"tile-dropped-arrivals\" data-value=\"1234\"><b>1,234</b>"), page);
        assertEquals(20, page.split("<tr data-bot=", -1).length - 1, "the first 20 failures");
        assertTrue(page.contains("The first 20 of 25 in metrics.json."), page);
        assertTrue(page.contains("<tr data-bot=\"19\"><td>19</td><td>GET /</td><td>timeout</td><td>timed out after 5ms</td></tr>"), page);
    }

    @Test
    void aFailureThatIsNotARecordIsAClearError() throws Exception {
        RunDir run = written(new RunResult(true, "ok", 1, 1, 0, List.of(), List.of(), 0));
        ObjectNode doc = (ObjectNode) JSON.readTree(run.metricsJson().toFile());
        ((ObjectNode) doc.get("result")).set("failures", JSON.readTree("[\"bot 2: GET /: error\"]"));
        Files.writeString(run.metricsJson(), JSON.writeValueAsString(doc));
        IOException e = assertThrows(IOException.class, run::render);
        assertEquals(run.metricsJson() + ": result.failures[0] should be an object with bot, action, kind and reason; it is \"bot 2: GET /: error\"",
                e.getMessage());
        ((ObjectNode) doc.get("result")).set("failures", JSON.readTree("[{\"bot\": 2, \"kind\": \"exploded\", \"reason\": \"x\"}]"));
        Files.writeString(run.metricsJson(), JSON.writeValueAsString(doc));
        e = assertThrows(IOException.class, run::render);
        assertTrue(e.getMessage().startsWith(run.metricsJson() + ": result.failures[0]: "), e.getMessage());
        assertTrue(e.getMessage().contains("exploded"), e.getMessage());
    }

    @Test
    void aNewRunInTheSameDirRemovesTheOldPage() throws Exception {
        RunDir run = written(new RunResult(true, "ok", 1, 1, 0, List.of(), List.of(), 0));
        assertTrue(Files.exists(run.html()));
        run.openIntervalLog(0).close();
        assertFalse(Files.exists(run.html()));
        assertFalse(Files.exists(run.metricsJson()));
    }
}
