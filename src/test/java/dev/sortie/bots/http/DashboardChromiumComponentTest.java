package dev.sortie.bots.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.bots.run.BotManager;
import dev.sortie.testing.Chromium;
import dev.sortie.testing.NotesServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard at GET / of a real control server, driven in real headless Chromium with real
 * mouse clicks and typing: a bad start shows the API's error, a start from the form runs bots
 * against a real loopback server, add/remove/rate reach the run, and stop moves it to finished;
 * then GET /report serves that run's report. The screenshot stays in target/chromium/.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardChromiumComponentTest {

    private static final String LOOP = """
            tree:
              sequence:
                - name: create note
                  request: {method: POST, path: /api/notes, json: {text: "from ${bot_id}"}}
                  expect: {status: 201}
                  save: {id: $.id}
                - name: read note
                  request: {path: "/api/notes/${id}"}
                - wait: 0.02
            """;

    @TempDir
    Path dir;

    @Test
    void aRunStartedChangedAndStoppedFromTheDashboard() throws Exception {
        Files.createDirectories(dir.resolve("app/bots"));
        Files.writeString(dir.resolve("app/bots/loop.yml"), LOOP);
        BotManager manager = new BotManager();
        TreeLoader trees = new TreeLoader(dir.resolve("app"), dir.resolve("app/bots"), dir.resolve("scratch"), true);
        try (NotesServer target = new NotesServer();
                ControlServer control = new ControlServer(manager, trees, new InetSocketAddress("127.0.0.1", 0), dir.resolve("logs"));
                Chromium chromium = Chromium.start(dir, 1400, 1100)) {
            control.start();
            String base = "http://127.0.0.1:" + control.port();
            Chromium.Page page = chromium.open(base + "/");
            page.waitFor("the first poll", "document.getElementById('status').textContent === 'idle'");

            page.type("#start-tree", "bots/nope.yml");
            page.type("#start-target", target.url());
            page.click("#start");
            page.waitFor("the API's error", "document.getElementById('message').className === 'bad'");
            String message = page.eval("document.getElementById('message').textContent").asText();
            assertEquals("no tree file bots/nope.yml (looked in " + dir.resolve("app") + ")", message);
            assertEquals(BotManager.Status.IDLE, manager.status());
            // the browser logs every 4xx answer; that one is the only error the page may have
            List<String> refused = List.of("log: Failed to load resource: the server responded with a status of 400 (Bad Request) " + base + "/start");
            assertEquals(refused, page.errors());

            page.type("#start-tree", "bots/loop.yml");
            page.type("#start-n", "3");
            page.click("#start");
            page.waitFor("the run to show as running", "document.getElementById('status').textContent === 'running'");
            assertEquals(BotManager.Status.RUNNING, manager.status());
            assertEquals(target.url(), manager.describe().target());
            page.waitFor("3 bots alive", "document.getElementById('bots').textContent === '3'");
            page.waitFor("runs in the actions table", "document.querySelectorAll('#actions tbody tr[data-action]').length === 2");
            page.waitFor("a live chart with a few points", "Number(document.getElementById('chart-rps').dataset.points) >= 3");
            assertTrue(target.requests() > 0);

            page.type("#add-n", "2");
            page.click("#add");
            page.waitFor("5 wanted bots", "document.getElementById('wanted').textContent === '5'");
            assertEquals(5, manager.describe().wantedBots());
            page.type("#remove-n", "1");
            page.click("#remove");
            page.waitFor("4 wanted bots", "document.getElementById('wanted').textContent === '4'");
            assertEquals(4, manager.describe().wantedBots());
            page.type("#settings-rate", "7");
            page.click("#apply-settings");
            page.waitFor("the new rate", "document.getElementById('message').textContent.startsWith('rate 7')");
            assertEquals(7.0, manager.describe().rate());

            page.screenshot(Path.of("target", "chromium", "dashboard.png"));
            page.click("#stop");
            page.waitFor("the run to show as finished", "document.getElementById('status').textContent === 'finished'");
            assertEquals(BotManager.Status.FINISHED, manager.status());
            assertEquals(refused, page.errors(), "console errors");
            for (String url : page.requests()) {
                assertTrue(url.startsWith(base + "/"), "the dashboard talks only to its control API, not to " + url);
            }

            page.waitFor("the report link", "!document.getElementById('report-link').hidden");
            HttpResponse<String> report = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/report")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, report.statusCode());
            assertTrue(report.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(report.body().contains("<tr data-action=\"create note\">"), report.body());
            assertTrue(report.body().contains("<td>bots/loop.yml</td>"), "the run's settings");
            assertEquals(report.body(), Files.readString(dir.resolve("logs/report/index.html")));
            page.click("#report-link");
            page.waitFor("the report page", "location.pathname === '/report' && document.getElementById('actions') !== null");
            assertEquals(refused, page.errors(), "console errors");
        } finally {
            manager.close();
        }
    }
}
