package dev.sortie.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.TinyServerJar;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a real process and its children listen on, read from /proc. */
@Timeout(60)
class ListeningPortsTest {

    @TempDir
    Path tmp;

    @Test
    void aChildOfTheInstanceListeningElsewhereIsFound() throws Exception {
        Path jar = TinyServerJar.write(tmp.resolve("app.jar"), Map.of());
        int elsewhere = FreePort.pick();
        int expected = FreePort.pick();
        // sh stays the parent (no exec), as a wrapper script or npm would: the listener is a descendant
        String command = String.join(" ", TinyServerJar.argv(jar, Integer.toString(elsewhere))) + "; true";
        Process sh = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            Set<Integer> ports;
            while (!(ports = ListeningPorts.of(sh.pid())).contains(elsewhere)) {
                assertTrue(sh.isAlive(), "the instance died");
                assertTrue(System.nanoTime() < deadline, "never saw port " + elsewhere + " listening; saw " + ports);
                Thread.sleep(50);
            }
            assertEquals(Set.of(elsewhere), ports);
            assertEquals(Optional.of("it listens on " + elsewhere + ", not on PORT=" + expected + "; make it listen on $PORT "
                    + "(for Spring Boot add --server.port=$PORT to run:)"), ListeningPorts.hint(ports, expected));
        } finally {
            sh.descendants().forEach(ProcessHandle::destroyForcibly);
            sh.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessWithNoListeningSocketHasNoPorts() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            assertEquals(Set.of(), ListeningPorts.of(sleeper.pid()));
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        assertEquals(Set.of(), ListeningPorts.of(sleeper.pid()), "a process that is gone");
    }

    @Test
    void hintsOnlyWhenItListensSomewhereElse() {
        assertEquals(Optional.empty(), ListeningPorts.hint(Set.of(), 35143));
        assertEquals(Optional.empty(), ListeningPorts.hint(Set.of(35143, 9000), 35143));
        assertTrue(ListeningPorts.hint(Set.of(8080, 8081), 35143).orElseThrow().startsWith("it listens on 8080, 8081, not on PORT=35143;"));
    }

    @Test
    void readsListeningSocketsOfBothTables() {
        List<String> tcp = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0",
                "   1: 0100007F:8A9F 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000000000000000 20 4 30 10 -1");
        List<String> tcp6 = List.of(
                "   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 "
                        + "00000000  1000        0 5151 1 0000000000000000 100 0 0 10 0");
        assertEquals(Map.of(4242L, 8080), ListeningPorts.listeningByInode(tcp), "an established connection is no listener");
        assertEquals(Map.of(5151L, 8081), ListeningPorts.listeningByInode(tcp6));
    }
}
