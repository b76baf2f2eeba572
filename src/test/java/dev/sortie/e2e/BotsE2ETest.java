package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Smoke bots after every push, and `sortie bots test` from the installed CLI, against a real deployed app. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BotsE2ETest {

    private static final String SMOKE = """
            tree:
              sequence:
                - name: health
                  request: {path: /health}
                  expect: {status: 200}
                - name: check message
                  request: {path: /}
                  expect: {status: 200, body_contains: "%s"}
                - done
            """;

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static Path project;

    @BeforeAll
    static void setUp() throws Exception {
        sortie = new InstalledSortie(tmp);
        sortie.sortie("apps", "create", "smoky").assertOk();
        Path smoke = tmp.resolve("smoke.yml");
        Files.writeString(smoke, SMOKE.formatted("first release"));
        project = sortie.project(Path.of("src/test/resources/fixtures/plain").toAbsolutePath(), "smoky", "smoky");
        Files.createDirectories(project.resolve("bots"));
        Files.move(smoke, project.resolve("bots/smoke.yml"));
        sortie.git(project, "add", "-A").assertOk();
        sortie.git(project, "commit", "-q", "-m", "smoke bots").assertOk();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (sortie != null) {
            sortie.close();
        }
    }

    @Test
    @Order(1)
    void aPushEndsWithTheSmokeBotsAndShowsEachAction() throws Exception {
        Proc.Result push = sortie.git(project, "push", "production", "main");
        String out = push.output();
        assertEquals(0, push.exit(), out);
        assertTrue(out.contains("releasing 1 bot (bots/smoke.yml) against the new release at http://127.0.0.1:"), out);
        assertTrue(out.matches("(?s).*remote:  +health +1 run: 1 ok, 0 failed, 0 errors; p99 [0-9.]+ms.*"), out);
        assertTrue(out.matches("(?s).*remote:  +check message +1 run: 1 ok, 0 failed, 0 errors; p99 .*"), out);
        assertTrue(out.matches("(?s).*remote: -----> run_bots +the bot reached done \\(3 actions, worst p99 .*"), out);
        assertEquals("first release\n\n200", sortie.curl(sortie.url("smoky")).output());
    }

    @Test
    @Order(2)
    void failingSmokeBotsFailThePushAndThePreviousReleaseKeepsServing() throws Exception {
        Files.writeString(project.resolve("message.txt"), "second release\n");
        Proc.Result push = sortie.commitAndPush(project, "a release the smoke test rejects");
        String out = push.output();
        assertTrue(out.contains("check message    1 run: 0 ok, 1 failed, 0 errors"), out);
        assertTrue(out.contains("=====> smoky deploy FAILED at run_bots: smoke bots failed: 1 of 1 bot did not reach done: bot 1:"
                + " check message: the body does not contain \"first release\" (body: second release)"), out);
        assertEquals(2, out.split("the body does not contain", -1).length - 1, "once in the step's line, once in the push's last: " + out);
        assertFalse(out.contains("did not succeed"), out);
        assertTrue(out.contains("is still serving."), out);
        assertTrue(out.contains(".bots.log"), "points at the bots' log: " + out);
        assertEquals("first release\n\n200", sortie.curl(sortie.url("smoky")).output(), "the previous release still serves");
    }

    @Test
    @Order(3)
    void aJavaTreeNamedInSortieYmlRunsWithManyBots() throws Exception {
        Files.writeString(project.resolve("message.txt"), "third release\n");
        Files.writeString(project.resolve("bots/Smoke.java"), """
                import static dev.sortie.bots.tree.Trees.*;

                import dev.sortie.bots.tree.BotContext;
                import dev.sortie.bots.tree.Node;
                import dev.sortie.bots.tree.Outcome;
                import java.net.URI;
                import java.net.http.HttpClient;
                import java.net.http.HttpRequest;
                import java.net.http.HttpResponse;

                public class Smoke {
                    static final HttpClient HTTP = HttpClient.newHttpClient();

                    public static Outcome readMessage(BotContext ctx) throws Exception {
                        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(ctx.target() + "/")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        return r.body().startsWith("third") ? Outcome.succeed("message", r.body().strip()) : Outcome.fail("got " + r.body());
                    }

                    public static Node tree() {
                        return sequence(retry(action(Smoke::readMessage), 3, java.time.Duration.ofMillis(100)), done());
                    }
                }
                """);
        Files.writeString(project.resolve("sortie.yml"), Files.readString(project.resolve("sortie.yml")) + "bots:\n  tree: Smoke\n  count: 3\n");
        Proc.Result push = sortie.commitAndPush(project, "a Java smoke tree");
        String out = push.output();
        assertEquals(0, push.exit(), out);
        assertTrue(out.contains("releasing 3 bots (Smoke) against the new release"), out);
        assertTrue(out.contains("readMessage    3 runs: 3 ok, 0 failed, 0 errors"), out);
        assertTrue(out.contains("all 3 bots reached done"), out);
        assertEquals("third release\n\n200", sortie.curl(sortie.url("smoky")).output());
    }

    @Test
    @Order(4)
    void botsTestFromTheCliGivesAnExitCodeAndAJUnitReport() throws Exception {
        String url = sortie.url("smoky");
        Path junit = tmp.resolve("reports/bots.xml");
        Files.writeString(tmp.resolve("pass.yml"), SMOKE.formatted("third release"));
        Proc.Result pass = sortie.sortie("bots", "test", "--tree", tmp.resolve("pass.yml").toString(), "--target", url, "--n", "2",
                "--junit", junit.toString(), "--log", tmp.resolve("pass.log").toString());
        assertEquals(0, pass.exit(), pass.output());
        assertTrue(pass.output().contains("-----> PASSED: all 2 bots reached done"), pass.output());
        String xml = Files.readString(junit);
        assertTrue(xml.contains("tests=\"2\" failures=\"0\""), xml);

        Files.writeString(tmp.resolve("fail.yml"), SMOKE.formatted("first release"));
        Proc.Result fail = sortie.sortie("bots", "test", "--tree", tmp.resolve("fail.yml").toString(), "--target", url,
                "--junit", junit.toString(), "--log", tmp.resolve("fail.log").toString());
        assertEquals(1, fail.exit(), fail.output());
        assertTrue(fail.output().contains("-----> FAILED: 1 of 1 bot did not reach done"), fail.output());
        assertTrue(Files.readString(junit).contains("<failure message=\"check message: the body does not contain"),
                Files.readString(junit));

        Proc.Result typo = sortie.sortie("bots", "test", "--tree", tmp.resolve("pass.yml").toString(), "--target", "hello.localhost");
        assertEquals(3, typo.exit(), typo.output());
        assertTrue(typo.output().contains("--target should be an http(s) URL like http://hello.localhost:8480, got hello.localhost"), typo.output());
    }

    @Test
    @Order(5)
    void aThresholdInSortieYmlFailsTheSmokeStepAndThePreviousReleaseKeepsServing() throws Exception {
        Path yml = project.resolve("sortie.yml");
        Files.writeString(yml, Files.readString(yml).replace("bots:\n  tree: Smoke\n  count: 3\n",
                "bots:\n  tree: Smoke\n  count: 3\n  thresholds: [\"readMessage: count > 5\", \"all: error_rate < 1%\"]\n"));
        Files.writeString(project.resolve("message.txt"), "third release, with a budget\n");
        Proc.Result push = sortie.commitAndPush(project, "a smoke budget three bots cannot meet");
        String out = push.output();
        assertTrue(out.contains("all 3 bots reached done"), "the bots pass; only the threshold fails: " + out);
        assertTrue(out.matches("(?s).*remote:  +FAILED readMessage: count > 5 \\(measured 3\\).*"), out);
        assertTrue(out.matches("(?s).*remote:  +ok +all: error_rate < 1% \\(measured 0.00%\\).*"), out);
        assertTrue(out.contains("=====> smoky deploy FAILED at run_bots: smoke bots failed: all 3 bots reached done; 1 of 2 thresholds failed:"
                + " 'readMessage: count > 5' measured 3"), out);
        assertTrue(out.contains("is still serving."), out);
        assertEquals("third release\n\n200", sortie.curl(sortie.url("smoky")).output(), "the previous release still serves");
    }
}
