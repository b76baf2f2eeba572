package dev.sortie.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import dev.sortie.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real {@link SupervisorServer} on a Unix socket, driven through {@link SupervisorClient}. */
class SupervisorServerComponentTest {

    private Path base;
    private Path runDir;
    private Path socket;
    private Path pidFile;
    private SupervisorServer server;
    private SupervisorClient client;

    @BeforeEach
    void startServer() throws IOException {
        // Under /tmp and short: a Unix socket path must fit in about 107 bytes.
        base = Files.createTempDirectory(Path.of("/tmp"), "sv");
        runDir = Files.createDirectory(base.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        socket = runDir.resolve("sortie.sock");
        pidFile = runDir.resolve("sortie.pid");
        server = new SupervisorServer(socket, pidFile, Duration.ofSeconds(2));
        server.start();
        client = new SupervisorClient(socket);
    }

    @AfterEach
    void stopServer() throws IOException {
        try {
            if (client.isRunning()) {
                client.shutdown(); // stops every instance, then the server
            }
        } finally {
            server.close();
            try (Stream<Path> files = Files.walk(base)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private InstanceSpec sleeper(String app, String release) throws IOException {
        Path work = Files.createDirectories(base.resolve("work"));
        return new InstanceSpec(app, release, work.toString(), List.of("sleep", "30"), Map.of("PATH", "/usr/bin:/bin"), 4100,
                base.resolve("logs").resolve(app + "-" + release + ".log").toString());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, condition);
    }

    private static boolean alive(long pid) {
        return Await.alive(pid);
    }

    @Test
    void pingAnswersWithTheServersPid() throws Exception {
        assertEquals(ProcessHandle.current().pid(), client.ping());
        assertTrue(client.isRunning());
        assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(pidFile));
    }

    @Test
    void startListStopRoundTrip() throws Exception {
        InstanceInfo started = client.start(sleeper("shop", "r1"));
        assertEquals("shop", started.app());
        assertEquals("r1", started.release());
        assertEquals(4100, started.port());
        assertEquals(InstanceInfo.RUNNING, started.state());
        assertTrue(alive(started.pid()), started.toString());
        assertNotNull(started.startedAt());

        client.start(sleeper("shop", "r0"));
        List<InstanceInfo> listed = client.list();
        assertEquals(List.of("r0", "r1"), listed.stream().map(InstanceInfo::release).toList());
        assertEquals(started, listed.get(1));
        assertEquals(started, client.find("shop", "r1").orElseThrow());

        client.stop("shop", "r1", Duration.ofSeconds(2));
        assertFalse(alive(started.pid()));
        assertEquals(List.of("r0"), client.list().stream().map(InstanceInfo::release).toList());

        long r0 = client.find("shop", "r0").orElseThrow().pid();
        client.retire("shop", "r0", Duration.ZERO, Duration.ofSeconds(2));
        await("the retired instance to be gone", () -> {
            try {
                return client.list().isEmpty();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertFalse(alive(r0));
    }

    @Test
    void stoppingAnUnknownInstanceSucceeds() throws Exception {
        client.stop("nobody", "r1", Duration.ofSeconds(1));
        assertTrue(client.list().isEmpty());
    }

    @Test
    void errorsComeBackWithTheServersMessage() throws Exception {
        InstanceSpec ghost = new InstanceSpec("ghost", "r1", base.toString(), List.of("sortie-no-such-program"),
                Map.of("PATH", "/usr/bin:/bin"), 4101, base.resolve("ghost.log").toString());

        var e = assertThrows(IOException.class, () -> client.start(ghost));

        assertTrue(e.getMessage().startsWith("sortie server: "), e.getMessage());
        assertTrue(e.getMessage().contains("sortie-no-such-program: command not found on PATH (/usr/bin:/bin)"), e.getMessage());
        assertTrue(client.list().isEmpty());

        client.start(sleeper("twice", "r1"));
        var twice = assertThrows(IOException.class, () -> client.start(sleeper("twice", "r1")));
        assertEquals("sortie server: twice/r1 is already running", twice.getMessage());
    }

    @Test
    void onlyTheOwnerCanReachTheSocket() throws Exception {
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(runDir));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(socket));
    }

    @Test
    void aSecondServerOnTheSameSocketRefusesToStart() throws Exception {
        try (SupervisorServer second = new SupervisorServer(socket, runDir.resolve("second.pid"), Duration.ofSeconds(1))) {
            var e = assertThrows(IOException.class, second::start);
            assertTrue(e.getMessage().contains("already running on " + socket), e.getMessage());
        }
        // Closing the server that failed to start must leave the running server's socket and pid file alone.
        assertTrue(Files.exists(socket));
        assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(pidFile));
        assertFalse(Files.exists(runDir.resolve("second.pid")));
        assertEquals(ProcessHandle.current().pid(), client.ping());
    }

    @Test
    void aSocketLeftByADeadServerIsReplaced() throws Exception {
        Path other = runDir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(other)); // closing does not remove the file, like a crash
        }
        assertTrue(Files.exists(other));
        assertFalse(SupervisorClient.isListening(other));

        SupervisorServer revived = new SupervisorServer(other, runDir.resolve("revived.pid"), Duration.ofSeconds(1));
        try {
            revived.start();
            assertEquals(ProcessHandle.current().pid(), new SupervisorClient(other).ping());
        } finally {
            revived.close();
        }
        assertFalse(Files.exists(other));
    }

    @Test
    void shutdownStopsEveryInstanceAndRemovesTheSocket() throws Exception {
        long a = client.start(sleeper("a", "r1")).pid();
        long b = client.start(sleeper("b", "r1")).pid();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                server.awaitShutdown();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });

        client.shutdown();

        assertFalse(alive(a));
        assertFalse(alive(b));
        assertTrue(waiter.join(Duration.ofSeconds(10)), "awaitShutdown() did not return after shutdown");
        assertFalse(Files.exists(socket));
        assertFalse(Files.exists(pidFile));
        assertFalse(client.isRunning());
        var e = assertThrows(IOException.class, client::ping);
        assertTrue(e.getMessage().contains("the sortie server is not answering on " + socket), e.getMessage());
    }

    @Test
    void garbageGetsAnErrorAndTheServerKeepsServing() throws Exception {
        byte[] answer;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap("not json".getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            answer = Channels.newInputStream(ch).readAllBytes();
        }
        var response = SupervisorProtocol.JSON.readValue(answer, SupervisorProtocol.Response.class);
        assertFalse(response.ok(), new String(answer, StandardCharsets.UTF_8));
        assertNotNull(response.error());
        assertFalse(response.error().isBlank());

        byte[] unknownOp;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap("{\"op\":\"explode\"}".getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            unknownOp = Channels.newInputStream(ch).readAllBytes();
        }
        var unknown = SupervisorProtocol.JSON.readValue(unknownOp, SupervisorProtocol.Response.class);
        assertEquals("unknown request explode", unknown.error());

        assertEquals(ProcessHandle.current().pid(), client.ping());
    }
}
