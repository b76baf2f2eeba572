package dev.sortie.bots.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Cursor;
import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.Outcome;
import dev.sortie.bots.tree.TreeRunner;
import dev.sortie.testing.NotesServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** YAML HTTP actions against a real server on loopback. */
class HttpActionComponentTest {

    private NotesServer server;
    private final List<String> ran = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new NotesServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TreeRunner.End run(String target, String yaml) throws Exception {
        Node tree = YamlTree.parse("t.yml", yaml);
        TreeRunner runner = new TreeRunner((bot, action, outcome, nanos) -> ran.add(action + " " + outcome.label()
                + (outcome instanceof Outcome.Fail f && f.reason() != null ? ": " + f.reason() : "")));
        return runner.pass(new Cursor(tree, new SplittableRandom(), System::nanoTime), new BotContext(3, target), new SplittableRandom(), () -> false);
    }

    @Test
    void createsReadsAndChecksANoteWithSavedValues() throws Exception {
        TreeRunner.End end = run(server.url(), """
                tree:
                  sequence:
                    - request: {path: /health}
                      expect: {status: 200, body_contains: ok}
                    - request:
                        method: POST
                        path: /api/notes
                        headers: {X-Bot: "bot ${bot_id}"}
                        json: {text: "note from ${bot_id}"}
                      expect: {status: 201, json: {$.text: "note from ${bot_id}"}}
                      save: {note_id: $.id}
                    - request: {path: "/api/notes/${note_id}"}
                      expect: {json: {$.id: "${note_id}", $.text: "note from 3"}}
                """);
        assertInstanceOf(TreeRunner.End.Succeeded.class, end, ran.toString());
        assertEquals(List.of("GET /health succeed", "POST /api/notes succeed", "GET /api/notes/${note_id} succeed"), ran);
        assertEquals("bot 3", server.lastHeader("X-Bot"));
        assertEquals(3, server.requests());
    }

    @Test
    void failuresSayWhatWasExpectedAndWhatCame() throws Exception {
        run(server.url(), """
                tree:
                  select:
                    - request: {path: /status/502}
                      expect: {status: 200}
                    - request: {path: /health}
                      expect: {body_contains: nope}
                    - request: {method: POST, path: /api/notes, json: {text: x}}
                      expect: {json: {$.text: y}}
                    - request: {path: /health}
                      save: {id: $.id}
                    - request: {path: /health}
                """);
        assertEquals(List.of(
                "GET /status/502 fail: expected status 200, got 502 (body: status page)",
                "GET /health fail: the body does not contain \"nope\" (body: ok)",
                "POST /api/notes fail: $.text: expected \"y\", got \"x\"",
                "GET /health fail: the body is not JSON (body: ok)",
                "GET /health succeed"), ran);
    }

    @Test
    void aMissingContextValueIsAnErrorNamingWhatTheBotHas() throws Exception {
        TreeRunner.End end = run(server.url(), "tree: {request: {path: \"/api/notes/${note}\"}}");
        assertEquals(new TreeRunner.End.Error("GET /api/notes/${note}: ${note} is not in the bot's context (it has: bot_id)"), end);
    }

    @Test
    void noServerAndSlowServerAreFailuresWithReasons() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        run("http://127.0.0.1:" + closed, "tree: {request: {path: /health}}");
        run(server.url(), "tree: {request: {path: \"/slow?ms=2000\", timeout: 100ms}}");
        assertEquals(List.of("GET /health fail: cannot connect to 127.0.0.1:" + closed + " (connection refused)",
                "GET /slow?ms=2000 fail: no answer within 100ms"), ran);
    }

    @Test
    void namesEndingInLocalhostReachLoopback() throws Exception {
        assertEquals(true, InetAddress.getByName("notes.localhost").isLoopbackAddress());
        assertEquals(true, InetAddress.getByName("A.B.LOCALHOST.").isLoopbackAddress());
        TreeRunner.End end = run("http://notes.localhost:" + server.port(), "tree: {request: {path: /health}}");
        assertInstanceOf(TreeRunner.End.Succeeded.class, end, ran.toString());
        assertEquals("notes.localhost:" + server.port(), server.lastHeader("Host"));
    }
}
