package dev.sortie.bots.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.sortie.bots.http.YamlTree;
import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.tree.Node;
import dev.sortie.testing.Await;
import dev.sortie.testing.NotesServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Load and integration runs of real YAML trees against a real HTTP server on loopback. */
class BotManagerComponentTest {

    private static final String LOOP = """
            tree:
              sequence:
                - request: {method: POST, path: /api/notes, json: {text: "from ${bot_id}"}}
                  expect: {status: 201}
                  save: {id: $.id}
                - request: {path: "/api/notes/${id}"}
                  expect: {json: {$.text: "from ${bot_id}"}}
                - wait: 0.02
            """;

    @TempDir
    Path dir;
    private NotesServer server;
    private final BotManager manager = new BotManager();

    @BeforeEach
    void start() throws Exception {
        server = new NotesServer();
    }

    @AfterEach
    void stop() {
        manager.close();
        server.close();
    }

    private RunSpec load(String yaml, int bots, double rate) throws Exception {
        Node tree = YamlTree.parse("t.yml", yaml);
        return new RunSpec("t.yml", tree, server.url(), RunSpec.Mode.LOAD, bots, rate, null, null, null, dir.resolve("bot_run.log"));
    }

    private RunSpec integration(String yaml, int bots, Duration botTimeout, Duration runTimeout) throws Exception {
        return new RunSpec("t.yml", YamlTree.parse("t.yml", yaml), server.url(), RunSpec.Mode.INTEGRATION, bots, 0, null,
                botTimeout, runTimeout, dir.resolve("bot_run.log"));
    }

    @Test
    void loadModeAddsAndRemovesBotsWhileRunningAndCountsEveryRequest() throws Exception {
        manager.start(load(LOOP, 4, 0), null);
        assertEquals(BotManager.Status.RUNNING, manager.status());
        Await.until("4 bots alive", () -> manager.describe().botCount() == 4);
        assertEquals(6, manager.addBots(6));
        Await.until("10 bots alive", () -> manager.describe().botCount() == 10);
        assertEquals(3, manager.removeBots(3, false));
        assertEquals(2, manager.removeBots(2, true));
        Await.until("5 bots alive", () -> manager.describe().botCount() == 5);
        assertEquals(5, manager.describe().wantedBots());
        assertEquals(5, manager.removeBots(50, false), "only the 5 left can be removed, each once");
        Await.until("no bots alive", () -> manager.describe().botCount() == 0);
        assertEquals(BotManager.Status.RUNNING, manager.status(), "a run with no bots keeps running until stopped");
        manager.stop();
        RunResult result = manager.ended().get(15, TimeUnit.SECONDS);
        assertEquals(BotManager.Status.FINISHED, manager.status());
        assertTrue(result.passed(), result.toString());
        assertEquals(10, manager.describe().highestBotId());

        MetricsSnapshot m = manager.metrics();
        ActionSnapshot post = m.actions().get("POST /api/notes");
        ActionSnapshot get = m.actions().get("GET /api/notes/${id}");
        long counted = post.runs() + get.runs();
        assertTrue(counted <= server.requests() && counted >= server.requests() - 2,
                counted + " counted of " + server.requests() + " seen: all but the 2 abandoned by the bots removed at once");
        assertEquals(post.runs(), post.successCount());
        assertEquals(0, m.totalErrorCount());
        assertTrue(post.p50() > 0 && post.p50() <= post.p90() && post.p90() <= post.p99() && post.p99() <= post.max(), post.toString());
        assertTrue(post.duration() > 0);
        long lines = Files.readAllLines(dir.resolve("bot_run.log")).size();
        assertEquals(m.runs(), lines, "one log line per action run, all flushed when the run ended");
    }

    @Test
    void rampRateSpacesOutTheStartsAndCanBeChangedWhileRunning() throws Exception {
        manager.start(load("tree: {wait: 60}", 1000, 20), null);
        Thread.sleep(300);
        int early = manager.describe().botCount();
        assertTrue(early >= 2 && early <= 15, "about 20 bots a second, got " + early + " after 300ms");
        manager.updateSettings(0.0, null);
        Await.until("all 1000 started once the rate is unlimited", () -> manager.describe().botCount() == 1000);
        manager.updateSettings(null, Duration.ofMillis(1));
        RunResult result = manager.ended().get(15, TimeUnit.SECONDS);
        assertEquals("the run's duration ended", result.reason());
        assertEquals(0, manager.describe().botCount());
    }

    @Test
    @Timeout(120)
    void waitingBotsHoldNoThreadAndRemovingOrStoppingThemIsImmediate() throws Exception {
        manager.start(load("tree: {sequence: [{request: {path: /health}}, {wait: 3600}]}", 300, 0), null);
        Await.until("300 bots alive", () -> manager.describe().botCount() == 300);
        Await.until("every bot made its request", () -> server.requests() >= 300);
        Await.until("no thread runs a bot while all of them wait (threads with a bot on their stack: " + botThreads() + ")",
                () -> botThreads() == 0);
        assertEquals(100, manager.removeBots(100, false));
        Await.until("removed bots leave their wait at once, not in an hour", () -> manager.describe().botCount() == 200);
        manager.stop();
        RunResult result = manager.ended().get(30, TimeUnit.SECONDS);
        assertTrue(result.passed(), result.toString());
        assertEquals(0, manager.describe().botCount());
        assertEquals(300, server.requests(), "each bot made its one request and then only waited");
    }

    /** Threads (virtual ones included) with a bot's code on their stack, from a real thread dump of this JVM. */
    private int botThreads() {
        try {
            Path dump = dir.resolve("threads-" + System.nanoTime() + ".txt");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpThreads(dump.toString(),
                    HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            String text = Files.readString(dump);
            Files.delete(dump);
            int n = 0;
            for (String thread : text.split("\n\s*\n")) {
                if (thread.contains("dev.sortie.bots.run.Run$Bot.run")) {
                    n++;
                }
            }
            return n;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aDeadBotIsReplacedByANewOne() throws Exception {
        manager.start(load("tree: {select: [{request: {path: /status/500}}, {error: broken}]}", 2, 0), null);
        Await.until("replacements with new ids", () -> manager.describe().highestBotId() >= 4);
        assertTrue(manager.describe().botCount() <= 2);
        manager.stop();
        RunResult result = manager.ended().get(15, TimeUnit.SECONDS);
        assertFalse(result.passed());
        assertTrue(result.reason().startsWith("stopped; "), result.reason());
        assertTrue(result.failures().size() >= 2, result.toString());
        assertEquals(new BotFailure(1, "error", BotFailure.Kind.ERROR, "broken"), result.failures().stream().filter(f -> f.bot() == 1).findFirst().orElseThrow(),
                "a failure is data: which bot, which action, what kind, why");
        assertTrue(manager.metrics().totalErrorCount() >= 2, "bots 1 and 2 died with an error and were replaced by 3 and 4");
    }

    @Test
    void closedModelStagesRampTheBotsAndRefuseHandChanges() throws Exception {
        Node idle = YamlTree.parse("t.yml", "tree: {wait: 60}");
        RunSpec spec = new RunSpec("t.yml", idle, server.url(), RunSpec.Mode.LOAD, 0, 0, null, null, null, null)
                .withLoad(new RunSpec.Load.BotStages(LoadStages.parse("300ms:3,1m:3")));
        manager.start(spec, null);
        Await.until("3 bots, the stage's count", () -> manager.describe().botCount() == 3);
        assertEquals(3, manager.describe().wantedBots());
        assertEquals("300ms:3,1m:3", manager.describe().stages());
        assertEquals(60.3, manager.describe().durationSeconds(), 0.001, "the stages set the run's length");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> manager.addBots(1));
        assertEquals("bots cannot be added by hand: the number of bots follows the stages 300ms:3,1m:3", e.getMessage());
        manager.stop();
        assertEquals("stopped", manager.ended().get(15, TimeUnit.SECONDS).reason());
    }

    @Test
    void integrationPassesWhenEveryBotReachesDone() throws Exception {
        manager.start(integration(LOOP, 5, Duration.ofSeconds(10), Duration.ofSeconds(30)), null);
        RunResult result = manager.ended().get(30, TimeUnit.SECONDS);
        assertTrue(result.passed(), result.toString());
        assertEquals("all 5 bots reached done", result.reason());
        assertEquals(5, result.done());
        assertEquals(10, server.requests(), "each bot runs the tree once");
        assertEquals("finished", manager.describe().status());
    }

    @Test
    void integrationFailsAndSaysWhichActionWentWrong() throws Exception {
        manager.start(integration("""
                tree:
                  sequence:
                    - request: {path: /health}
                    - request: {path: /status/503}
                      expect: {status: 200}
                """, 2, null, null), null);
        RunResult result = manager.ended().get(30, TimeUnit.SECONDS);
        assertFalse(result.passed());
        assertEquals(2, result.errors());
        assertEquals("2 of 2 bots did not reach done", result.reason(), "two failures are listed, not folded into the reason");
        assertEquals(List.of(1L, 2L), result.failures().stream().map(BotFailure::bot).sorted().toList());
        for (BotFailure f : result.failures()) {
            assertEquals(new BotFailure(f.bot(), "GET /status/503", BotFailure.Kind.FAIL, "expected status 200, got 503 (body: status page)"), f);
        }
    }

    @Test
    void integrationTimeoutsPerBotAndPerRun() throws Exception {
        manager.start(integration("tree: {request: {path: \"/slow?ms=5000\"}}", 1, Duration.ofMillis(200), null), null);
        RunResult perBot = manager.ended().get(30, TimeUnit.SECONDS);
        assertFalse(perBot.passed());
        assertEquals("1 of 1 bot did not reach done: bot 1: GET /slow?ms=5000: cut off when the bot's 200ms ran out", perBot.reason());
        assertEquals(BotFailure.Kind.TIMEOUT, perBot.failures().get(0).kind());

        manager.start(integration("tree: {timeout: {after: 100ms, node: {request: {path: \"/slow?ms=5000\"}}}}", 1, Duration.ofSeconds(60), null), null);
        RunResult inner = manager.ended().get(30, TimeUnit.SECONDS);
        assertTrue(inner.reason().matches("1 of 1 bot did not reach done: bot 1: GET /slow\\?ms=5000: timed out after 1[0-9][0-9]ms"), inner.reason()
                + " (a timeout node's 100ms is not the bot's 60s, and the reason is said once)");

        manager.start(integration("tree: {wait: 60}", 3, null, Duration.ofMillis(300)), null);
        RunResult whole = manager.ended().get(30, TimeUnit.SECONDS);
        assertFalse(whole.passed());
        assertEquals("3 of 3 bots did not reach done", whole.reason());
        assertEquals(3, whole.failures().size());
        assertTrue(whole.failures().stream().allMatch(f -> f.kind() == BotFailure.Kind.STOPPED
                && f.reason().equals("the run timed out after 300ms before it finished")), whole.failures().toString());
    }

    @Test
    void aSecondStartWhileRunningIsRefusedAndChangesNothing() throws Exception {
        manager.start(load("tree: {wait: 60}", 2, 0), null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> manager.start(load(LOOP, 1, 0), null));
        assertEquals("a run of t.yml is running; stop it first (DELETE /stop or Ctrl-C)", e.getMessage());
        Await.until("2 bots", () -> manager.describe().botCount() == 2);
        assertEquals(2, manager.describe().wantedBots());
        manager.stop();
        manager.ended().get(15, TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class, () -> manager.addBots(1));
        assertEquals(List.of(), manager.ended().get().failures());
    }

    @Test
    void anUnwritableLogIsShownInTheStatusAndTheBotsGoOn() throws Exception {
        Path full = Path.of("/dev/full"); // every write fails with "No space left on device"
        assertTrue(Files.isWritable(full), "this test needs Linux's /dev/full");
        Node tree = YamlTree.parse("t.yml", "tree: {sequence: [{request: {path: /health}}, {wait: 0.01}]}");
        manager.start(new RunSpec("t.yml", tree, server.url(), RunSpec.Mode.LOAD, 2, 0, null, null, null, full), null);
        Await.until("the log's trouble in the status", () -> manager.describe().error() != null);
        assertTrue(manager.describe().error().startsWith("cannot write /dev/full (its lines are dropped): "), manager.describe().error());
        long before = manager.metrics().runs();
        Await.until("the bots keep running", () -> manager.metrics().runs() > before + 10);
        manager.stop();
        manager.ended().get(15, TimeUnit.SECONDS);
        assertEquals(BotManager.Status.ERROR, manager.status(), "the run reports that its log was lost");
    }

    @Test
    void theEndIsReportedToTheListener() throws Exception {
        RunResult[] seen = new RunResult[1];
        manager.start(integration("tree: done", 1, null, null), r -> seen[0] = r);
        RunResult result = manager.ended().get(15, TimeUnit.SECONDS);
        assertEquals(result, seen[0]);
    }
}
