package dev.sortie.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sortie.testing.Proc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * hooks/sortie-push, the post-update hook's client of the sortie server, run by a real perl against a real Unix socket
 * that answers as the daemon's push_follow op does (or as an older server, or not at all). Its "full path" is a
 * script standing in for {@code sortie}, which records the arguments it was run with.
 */
@Timeout(60)
class SortiePushClientComponentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private Path home;
    private Path client;
    private Path fakeSortie;
    private ServerSocketChannel server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        Files.createDirectories(home.resolve("run"));
        client = tmp.resolve("sortie-push");
        try (InputStream in = getClass().getResourceAsStream("/sortie/hooks/sortie-push")) {
            Files.write(client, in.readAllBytes());
        }
        fakeSortie = tmp.resolve("fake sortie"); // a space: the command's words reach exec as they are, through no shell
        Files.writeString(fakeSortie, "#!/bin/sh\nprintf 'full path:'; for a in \"$@\"; do printf ' [%s]' \"$a\"; done; echo\nexit 7\n");
        Files.setPosixFilePermissions(fakeSortie, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** Serves each connection: records its request and writes what {@code answer} gives for it, then closes. */
    private void serve(Function<JsonNode, String> answer) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(home.resolve("run/sortie.sock")));
        Thread.ofVirtual().start(() -> {
            while (server.isOpen()) {
                try (SocketChannel c = server.accept(); InputStream in = Channels.newInputStream(c); OutputStream out = Channels.newOutputStream(c)) {
                    JsonNode request = JSON.readTree(in.readAllBytes());
                    requests.add(request);
                    out.write(answer.apply(request).getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private Proc.Result push(Map<String, String> env, String... appAndRefs) throws Exception {
        List<String> argv = new ArrayList<>(List.of("perl", client.toString(), fakeSortie.toString(), "--"));
        argv.addAll(List.of(appAndRefs));
        Map<String, String> all = new HashMap<>(env);
        all.put("SORTIE_HOME", home.toString());
        return Proc.run(tmp, all, 30, argv);
    }

    @Test
    void copiesTheServersLinesAndExitsWithItsCode() throws Exception {
        serve(r -> "i 20261202-120000-abcdef0\ng stopped following\no -----> shop: building\no \ne sortie: a warning\nx 1\nignored after the end\n");
        Proc.Result r = push(Map.of("SORTIE_USER", "ana"), "shop", "refs/heads/main");
        assertEquals(1, r.exit(), r.output());
        assertEquals("-----> shop: building\n\nsortie: a warning\n", r.output());
        JsonNode request = requests.getFirst();
        assertEquals("push_follow", request.get("op").asText());
        assertEquals("shop", request.at("/args/app").asText());
        assertEquals("refs/heads/main", request.at("/args/ref").asText());
        assertEquals("ana", request.at("/args/by").asText());
    }

    @Test
    void sendsEachRefInTurnAndExitsWithTheWorstCode() throws Exception {
        serve(r -> r.at("/args/ref").asText().equals("refs/heads/b") ? "o b failed\nx 1\n" : "o a ok\nx 0\n");
        Proc.Result r = push(Map.of(), "shop", "refs/heads/a", "refs/heads/b", "refs/heads/c");
        assertEquals(1, r.exit(), r.output());
        assertEquals("a ok\nb failed\na ok\n", r.output());
        assertEquals(List.of("refs/heads/a", "refs/heads/b", "refs/heads/c"), requests.stream().map(q -> q.at("/args/ref").asText()).toList());
    }

    @Test
    void quotesWhatItSendsAsJson() throws Exception {
        serve(r -> "x 0\n");
        String hostile = "a\"b\\c\td\u0001e '$(id)' ü";
        Proc.Result r = push(Map.of("SORTIE_USER", hostile), "shop", "refs/heads/we\"ird");
        assertEquals(0, r.exit(), r.output());
        assertEquals(hostile, requests.getFirst().at("/args/by").asText());
        assertEquals("refs/heads/we\"ird", requests.getFirst().at("/args/ref").asText());
    }

    @Test
    void withNoServerItRunsTheFullPathWithEveryRef() throws Exception {
        Proc.Result r = push(Map.of(), "shop", "refs/heads/main", "refs/heads/dev");
        assertEquals(7, r.exit(), r.output());
        assertEquals("full path: [git-hook] [shop] [refs/heads/main] [refs/heads/dev]\n", r.output());
    }

    @Test
    void anOlderServersJsonAnswerTakesTheFullPath() throws Exception {
        serve(r -> "{\"ok\":false,\"error\":\"unknown op push_follow\"}");
        Proc.Result r = push(Map.of(), "shop", "refs/heads/main");
        assertEquals("full path: [git-hook] [shop] [refs/heads/main]\n", r.output());
    }

    @Test
    void aServerLostWhileFollowingIsFollowedOnTheFullPathWithTheRefsLeft() throws Exception {
        serve(r -> r.at("/args/ref").asText().equals("refs/heads/a") ? "o a ok\nx 0\n"
                : "i 20261202-120000-abcdef0\ng stopped\no -----> shop: building\n");
        Proc.Result r = push(Map.of(), "shop", "refs/heads/a", "refs/heads/b", "refs/heads/c");
        assertEquals("a ok\n-----> shop: building\nfull path: [git-hook] [--follow] [20261202-120000-abcdef0] [shop] [refs/heads/c]\n",
                r.output());
    }

    @Test
    void aServerThatSaysNothingTakesTheFullPath() throws Exception {
        serve(r -> "");
        Proc.Result r = push(Map.of(), "shop", "refs/heads/main");
        assertEquals("full path: [git-hook] [shop] [refs/heads/main]\n", r.output());
        assertTrue(requests.size() == 1);
    }
}
