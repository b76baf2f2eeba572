package dev.sortie.bots.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Cursor;
import dev.sortie.bots.tree.Outcome;
import dev.sortie.bots.tree.TreeException;
import dev.sortie.bots.tree.TreeRunner;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code follow_redirects: true} in a YAML request, against a real server that redirects. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FollowRedirectsComponentTest {

    private HttpServer server;
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final List<String> requested = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            requested.add(x.getRequestMethod() + " " + x.getRequestURI());
            byte[] body;
            if (x.getRequestURI().getPath().equals("/login")) {
                x.getResponseHeaders().set("Location", "/home");
                body = "see /home".getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(302, body.length);
            } else {
                body = "{\"page\": \"home\"}".getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(200, body.length);
            }
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private TreeRunner.End run(String yaml) throws TreeException {
        TreeRunner runner = new TreeRunner((bot, action, outcome, nanos) -> ran.add(action + " " + outcome.label()
                + (outcome instanceof Outcome.Fail f && f.reason() != null ? ": " + f.reason() : "")));
        return runner.pass(new Cursor(YamlTree.parse("r.yml", yaml), new SplittableRandom(), System::nanoTime),
                new BotContext(1, "http://127.0.0.1:" + server.getAddress().getPort()), new SplittableRandom(), () -> false);
    }

    @Test
    void redirectsAreFollowedOnlyWhenTheRequestSaysSo() throws Exception {
        TreeRunner.End end = run("""
                tree:
                  sequence:
                    - name: not followed
                      request: {method: POST, path: /login, body: "user=a"}
                      expect: {status: 302, body_contains: "see /home"}
                    - name: followed
                      request: {method: POST, path: /login, body: "user=a", follow_redirects: true}
                      expect: {status: 200, json: {$.page: home}}
                    - name: default
                      request: {path: /login}
                """);
        assertInstanceOf(TreeRunner.End.Failed.class, end, ran.toString());
        assertEquals(List.of("not followed succeed", "followed succeed", "default fail: expected status 2xx, got 302 (body: see /home)"), ran);
        // a 302 after a POST is followed with a GET, as browsers do
        assertEquals(List.of("POST /login", "POST /login", "GET /home", "GET /login"), requested);
    }

    @Test
    void followRedirectsMustBeTrueOrFalse() {
        TreeException e = assertThrows(TreeException.class, () -> YamlTree.parse("r.yml", """
                tree: {request: {path: /login, follow_redirects: sometimes}}
                """));
        assertEquals(List.of("r.yml: tree.request.follow_redirects: expected true or false, got text \"sometimes\""), e.problems());
    }
}
