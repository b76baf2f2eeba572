package dev.sortie.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The design contract: when the daemon dies (kill -9), its apps keep serving, and the next daemon adopts them
 * without restarting them. The daemon here is a real JVM running a {@link Supervisor}, killed with SIGKILL: a
 * supervisor closed in this JVM would leave whatever threads it started running, and hide a broken contract.
 * The app is a shell loop that dies on its first failed write (SIGPIPE), as a Python, Node or Go app would.
 */
@Timeout(60)
class InstanceOutlivesDaemonComponentTest {

    /** A line every 50 ms: about 100 bytes a second. */
    static final String TICKER = "while true; do echo tick; sleep 0.05; done";
    /** The next daemon's limit: the log is past it when adopted, so the first check after adoption rotates it. */
    static final LogRotation SMALL = new LogRotation(100, 2);
    static final Duration CHECK = Duration.ofMillis(200);

    @TempDir
    Path dir;

    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }));
    }

    /** The daemon: supervises one ticker with a state file, prints its pid, and waits to be killed. */
    static final class DeadDaemon {
        public static void main(String[] args) throws Exception {
            Path state = Path.of(args[0]);
            InstanceSpec spec = ticker(args[1], Path.of(args[2]), Path.of(args[3]));
            Supervisor supervisor = new Supervisor(state, LogRotation.DEFAULT, CHECK); // no rotation before the kill
            System.out.println("pid " + supervisor.start(spec).pid());
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(5));
        }
    }

    static InstanceSpec ticker(String release, Path work, Path log) {
        return new InstanceSpec("app", release, work.toString(), List.of("/bin/sh", "-c", TICKER), Map.of("PATH", "/usr/bin:/bin"), 4567,
                log.toString());
    }

    /** Alive and not a zombie: a process whose parent died may wait, dead, for a reaper that never comes. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void anInstanceKeepsWritingItsLogAfterItsDaemonIsKilledAndTheNextDaemonAdoptsAndRotatesIt() throws Exception {
        Path state = dir.resolve("instances.json");
        String release = "r-" + UUID.randomUUID().toString().substring(0, 8);
        Path work = Files.createDirectories(dir.resolve("work"));
        Path log = dir.resolve("logs").resolve(release + ".log");
        Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DeadDaemon.class.getName(),
                state.toString(), release, work.toString(), log.toString())
                .redirectError(dir.resolve("daemon.err").toFile())
                .start();
        long pid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("pid "), "the daemon should print its instance's pid; it printed " + line
                    + ", stderr:\n" + Files.readString(dir.resolve("daemon.err")));
            pid = Long.parseLong(line.substring(4));
            pids.add(pid);
            Await.until("the first ticks in " + log, () -> read(log).contains("\ntick\n"));

            daemon.destroyForcibly(); // SIGKILL
            assertTrue(daemon.waitFor(10, TimeUnit.SECONDS), "the daemon should be dead");
        }
        Thread.sleep(1000);
        assertTrue(running(pid), "the instance died with its daemon; its log:\n" + Files.readString(log));
        long before = size(log);
        Thread.sleep(500);
        assertTrue(size(log) > before, "the instance's log should keep growing without a daemon: " + before + " then " + size(log));

        try (Supervisor next = new Supervisor(state, SMALL, CHECK)) {
            assertEquals(List.of("adopted app/" + release + " (pid " + pid + ")"), next.recover());
            Path rotated = log.resolveSibling(log.getFileName() + ".1");
            Await.until("the adopted instance's log to rotate to " + rotated, () -> Files.exists(rotated));
            Await.until("the live log to grow again after the rotation", () -> read(log).contains("tick"));
            String live = Files.readString(log);
            assertFalse(live.contains("\0"), "a truncated O_APPEND file has no hole: " + live);
            assertTrue(Files.readString(rotated).contains("\ntick\n"), "the copy has the ticks from before the rotation");
            assertEquals(pid, next.list().getFirst().pid(), "adopted, not restarted");
            next.stop("app", release, Duration.ofSeconds(5));
            assertFalse(running(pid));
        }
    }
}
