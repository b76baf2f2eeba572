package dev.sortie.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state file is the durable record of what runs: an instance is in it before its process starts and
 * until the process is dead, so a daemon killed at any point (here: a supervisor closed without stopping
 * anything) leaves nothing the next one cannot find.
 */
@Timeout(60)
class SupervisorDurabilityComponentTest {

    @TempDir
    Path dir;

    /** Processes a test started itself, outside any supervisor: killed after it whatever happens. */
    private final List<Process> strays = new ArrayList<>();

    @AfterEach
    void killStrays() {
        strays.forEach(Process::destroyForcibly);
    }

    private Path state() {
        return dir.resolve("instances.json");
    }

    /** Releases are unique per test run: another run on this machine may have processes with the same SORTIE_INSTANCE. */
    private static String release(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private InstanceSpec spec(String release, List<String> argv) throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        return new InstanceSpec("app", release, work.toString(), argv, Map.of("PATH", "/usr/bin:/bin"), 4567,
                dir.resolve("logs").resolve(release + ".log").toString());
    }

    private InstanceSpec sleeper(String release) throws IOException {
        return spec(release, List.of("sleep", "300"));
    }

    private Process sleepOutside(Map<String, String> extraEnv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("sleep", "300");
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        strays.add(p);
        return p;
    }

    private static List<Supervisor.Remembered> records(Path state) {
        try {
            return Arrays.asList(SupervisorProtocol.JSON.readValue(Files.readAllBytes(state), Supervisor.Remembered[].class));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + state, e);
        }
    }

    private static Optional<Supervisor.Remembered> record(Path state, String key) {
        return records(state).stream().filter(r -> r.spec().key().equals(key)).findFirst();
    }

    private static void writeRecords(Path state, List<Supervisor.Remembered> records) throws IOException {
        Files.write(state, SupervisorProtocol.JSON.writeValueAsBytes(records));
    }

    private static boolean alive(long pid) {
        return Await.alive(pid);
    }

    private static String log(InstanceSpec spec) {
        try {
            return Files.readString(Path.of(spec.logFile()));
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void aRetireOutlivesTheDaemonAndTheNextOneStopsTheProcessWhenTheDrainIsOver() throws Exception {
        InstanceSpec spec = sleeper(release("old"));
        Supervisor first = new Supervisor(state());
        long pid = first.start(spec).pid();
        first.retire("app", spec.release(), Duration.ofSeconds(3), Duration.ofSeconds(2));
        first.close(); // kill -9 during the drain: the drain timer dies with it

        Supervisor.Remembered r = record(state(), spec.key()).orElseThrow(() -> new AssertionError("the retiring instance left the file"));
        assertEquals("stopping", r.state());
        assertEquals(pid, r.pid());
        assertEquals(2000L, r.stopTimeoutMillis());
        Instant stopAt = r.stopAt();
        assertNotNull(stopAt);
        CompletableFuture<Instant> died = ProcessHandle.of(pid).orElseThrow().onExit().thenApply(h -> Instant.now());

        try (Supervisor second = new Supervisor(state())) {
            assertEquals(List.of("adopted " + spec.key() + " (pid " + pid + "), stopping it at " + stopAt), second.recover());
            assertEquals(InstanceInfo.STOPPING, second.list().getFirst().state());
            assertEquals(pid, second.list().getFirst().pid());

            // Read the file, then look at the process: one that is alive now was alive when the file was read.
            Await.until("the record to go", () -> {
                boolean listed = record(state(), spec.key()).isPresent();
                assertTrue(listed || !alive(pid), "the record went while the process was alive");
                return !listed;
            });
            assertFalse(died.get(10, TimeUnit.SECONDS).isBefore(stopAt), "stopped before the drain was over");
            assertTrue(second.list().isEmpty(), second.list().toString());
        }
        assertTrue(log(spec).contains("stopping (TERM, then KILL after 2s)"), log(spec));
    }

    @Test
    void aStoppingRecordWhoseProcessIsGoneIsForgotten() throws Exception {
        InstanceSpec spec = sleeper(release("gone"));
        writeRecords(state(), List.of(new Supervisor.Remembered(spec, null, "stopping", Instant.now().plusSeconds(60), 1000L, null)));

        try (Supervisor s = new Supervisor(state())) {
            assertEquals(List.of("forgot " + spec.key() + ": it was stopping and its process is gone"), s.recover());
            assertTrue(s.list().isEmpty());
            assertTrue(records(state()).isEmpty(), records(state()).toString());
        }
    }

    @Test
    void aStartingRecordIsAdoptedByTheMarkerInItsProcesssEnvironment() throws Exception {
        InstanceSpec spec = sleeper(release("new"));
        Process p = sleepOutside(Map.of("SORTIE_INSTANCE", spec.key()));
        writeRecords(state(), List.of(new Supervisor.Remembered(spec, null, "starting", null, null, null)));

        try (Supervisor s = new Supervisor(state())) {
            assertEquals(List.of("adopted " + spec.key() + " (pid " + p.pid() + ", found by its SORTIE_INSTANCE)"), s.recover());
            InstanceInfo info = s.list().getFirst();
            assertEquals(p.pid(), info.pid());
            assertEquals(InstanceInfo.RUNNING, info.state());
            Supervisor.Remembered r = record(state(), spec.key()).orElseThrow();
            assertEquals("running", r.state());
            assertEquals(p.pid(), r.pid());

            s.stop("app", spec.release(), Duration.ofSeconds(5));
            assertFalse(p.isAlive());
            assertTrue(records(state()).isEmpty(), records(state()).toString());
        }
    }

    @Test
    void aStartingRecordWithoutAProcessIsDroppedAndNotStarted() throws Exception {
        InstanceSpec spec = sleeper(release("never"));
        writeRecords(state(), List.of(new Supervisor.Remembered(spec, null, "starting", null, null, null)));

        try (Supervisor s = new Supervisor(state())) {
            assertEquals(List.of("dropped " + spec.key() + ": it was starting and no process has its SORTIE_INSTANCE; not starting it"),
                    s.recover());
            assertTrue(s.list().isEmpty(), s.list().toString());
            assertTrue(records(state()).isEmpty(), records(state()).toString());
        }
        assertFalse(log(spec).contains("starting"), log(spec));
        assertNull(Supervisor.scanMarkers(null).get(spec.key()), "a process was started for the dropped record");
    }

    @Test
    void aProcessMarkedByAnotherSupervisorIsNotAdopted() throws Exception {
        InstanceSpec spec = sleeper(release("theirs"));
        sleepOutside(Map.of("SORTIE_INSTANCE", spec.key(), "SORTIE_SUPERVISOR", "/elsewhere/instances.json"));
        writeRecords(state(), List.of(new Supervisor.Remembered(spec, null, "starting", null, null, null)));

        try (Supervisor s = new Supervisor(state())) {
            assertTrue(s.recover().getFirst().startsWith("dropped " + spec.key()), "another home's process is not ours");
            assertTrue(s.list().isEmpty());
        }
    }

    @Test
    void theStartedProcessCarriesItsMarkers() throws Exception {
        InstanceSpec spec = sleeper(release("marked"));
        try (Supervisor s = new Supervisor(state())) {
            long pid = s.start(spec).pid();
            byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            assertEquals(spec.key(), Supervisor.envValue(environ, "SORTIE_INSTANCE"));
            assertEquals(state().toAbsolutePath().toString(), Supervisor.envValue(environ, "SORTIE_SUPERVISOR"));
            Supervisor.Remembered r = record(state(), spec.key()).orElseThrow();
            assertEquals("running", r.state());
            assertEquals(pid, r.pid());
            assertEquals(Supervisor.processStart(pid), r.processStart());
            s.stop("app", spec.release(), Duration.ofSeconds(5));
        }
    }

    @Test
    void theRecordIsWrittenBeforeTheProcessStarts() throws Exception {
        Path seen = dir.resolve("seen.json");
        Path copy = dir.resolve("copy-state");
        // what the state file said when the process began (an empty table if there was none), moved into place whole
        Files.writeString(copy, "#!/bin/sh\ncp \"$1\" \"$2.tmp\" 2>/dev/null || echo '[]' > \"$2.tmp\"\nmv \"$2.tmp\" \"$2\"\nexec sleep 300\n");
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        InstanceSpec spec = spec(release("early"), List.of(copy.toString(), state().toString(), seen.toString()));

        try (Supervisor s = new Supervisor(state())) {
            s.start(spec);
            Await.until("the process to copy the state file", () -> Files.exists(seen));
            assertTrue(record(seen, spec.key()).isPresent(), "the process ran before its record was written: " + Files.readString(seen));
            s.stop("app", spec.release(), Duration.ofSeconds(5));
        }
    }

    @Test
    void stopAllStopsADrainingInstanceAndOnlyTheRunningOnesAreKept() throws Exception {
        InstanceSpec running = sleeper(release("current"));
        InstanceSpec draining = sleeper(release("previous"));
        Supervisor first = new Supervisor(state());
        long runningPid = first.start(running).pid();
        long drainingPid = first.start(draining).pid();
        first.retire("app", draining.release(), Duration.ofSeconds(30), Duration.ofSeconds(5));

        first.stopAll(Duration.ofSeconds(5)); // `sortie server stop`
        first.close();

        assertFalse(alive(drainingPid), "the draining instance outlived the shutdown");
        assertFalse(alive(runningPid));
        assertEquals(List.of(running.key()), records(state()).stream().map(r -> r.spec().key()).toList());
        assertEquals("running", record(state(), running.key()).orElseThrow().state());

        try (Supervisor second = new Supervisor(state())) {
            List<String> report = second.recover();
            assertEquals(1, report.size(), report.toString());
            assertTrue(report.getFirst().startsWith("started " + running.key() + " again (pid "), report.toString());
            second.stop("app", running.release(), Duration.ofSeconds(5));
        }
    }

    @Test
    void theFileNamesEveryLiveProcessWhileInstancesComeAndGo() throws Exception {
        Set<Long> started = ConcurrentHashMap.newKeySet();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        try (Supervisor s = new Supervisor(state())) {
            Thread reader = Thread.ofPlatform().start(() -> {
                while (!done.get() && violation.get() == null) {
                  try {
                    List<Long> known = List.copyOf(started); // pids whose start() returned before the file is read
                    if (Files.exists(state())) {
                        Set<Long> listed = Set.copyOf(records(state()).stream().map(Supervisor.Remembered::pid).filter(p -> p != null).toList());
                        for (long pid : known) {
                            if (!listed.contains(pid) && alive(pid)) { // alive now, so alive when the file was read
                                violation.set("pid " + pid + " is alive and not in " + listed);
                            }
                        }
                        reads.incrementAndGet();
                    }
                  } catch (RuntimeException | AssertionError e) {
                    violation.set(String.valueOf(e));
                  }
                  Thread.onSpinWait();
                }
            });
            try {
                for (int i = 0; i < 6; i++) {
                    String retired = "retired" + i;
                    String stopped = "stopped" + i;
                    started.add(s.start(sleeper(retired)).pid());
                    started.add(s.start(sleeper(stopped)).pid());
                    s.retire("app", retired, Duration.ofMillis(20 * i), Duration.ofSeconds(2));
                    s.stop("app", stopped, Duration.ofSeconds(2));
                }
                // the record goes right after the instance leaves the list (forget persists after removing): wait for both
                Await.until("the retired instances to be stopped", () -> s.list().isEmpty() && records(state()).isEmpty()
                        || violation.get() != null);
            } finally {
                done.set(true);
                reader.join();
            }
        }
        assertNull(violation.get());
        assertTrue(reads.get() > 0);
        assertTrue(started.stream().noneMatch(SupervisorDurabilityComponentTest::alive));
        assertTrue(records(state()).isEmpty(), records(state()).toString());
    }

    @Test
    void aRetireFiringDuringAStopDoesNotKillEarly() throws Exception {
        Path graceful = dir.resolve("graceful");
        Files.writeString(graceful, "#!/bin/sh\ntrap 'sleep 1; echo cleaned-up > term.marker; exit 0' TERM\necho ready\nwhile :; do sleep 0.1; done\n");
        Files.setPosixFilePermissions(graceful, PosixFilePermissions.fromString("rwxr-xr-x"));
        InstanceSpec spec = spec(release("calm"), List.of(graceful.toString()));
        try (Supervisor s = new Supervisor(state())) {
            long pid = s.start(spec).pid();
            Await.until("the TERM trap to be installed", () -> log(spec).contains("ready"));

            s.retire("app", spec.release(), Duration.ofMillis(100), Duration.ofMillis(100)); // due while the stop below runs
            s.stop("app", spec.release(), Duration.ofSeconds(10));

            assertFalse(alive(pid));
            assertEquals("cleaned-up\n", Files.readString(Path.of(spec.workDir(), "term.marker")));
            assertFalse(log(spec).contains("killing"), log(spec));
            assertEquals(1, log(spec).lines().filter(l -> l.contains("stopping (TERM")).count(), log(spec));
            assertTrue(s.list().isEmpty());
        }
    }

    @Test
    void concurrentStopsAndRetiresStopTheProcessOnce() throws Exception {
        Path stubborn = dir.resolve("stubborn");
        Files.writeString(stubborn, "#!/bin/sh\ntrap '' TERM\necho ready\nwhile :; do sleep 0.1; done\n");
        Files.setPosixFilePermissions(stubborn, PosixFilePermissions.fromString("rwxr-xr-x"));
        InstanceSpec spec = spec(release("stubborn"), List.of(stubborn.toString()));
        try (Supervisor s = new Supervisor(state())) {
            long pid = s.start(spec).pid();
            Await.until("the script to ignore TERM", () -> log(spec).contains("ready"));

            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                callers.add(Thread.ofVirtual().start(() -> {
                    try {
                        s.stop("app", spec.release(), Duration.ofSeconds(1));
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
                callers.add(Thread.ofVirtual().start(() -> s.retire("app", spec.release(), Duration.ZERO, Duration.ofSeconds(1))));
            }
            for (Thread t : callers) {
                t.join();
            }

            assertEquals(List.of(), failures);
            assertFalse(alive(pid));
            assertTrue(s.list().isEmpty(), s.list().toString());
            assertTrue(records(state()).isEmpty(), records(state()).toString());
            assertEquals(1, log(spec).lines().filter(l -> l.contains("stopping (TERM")).count(), log(spec));
            assertEquals(1, log(spec).lines().filter(l -> l.contains("killing")).count(), log(spec));
            s.stop("app", spec.release(), Duration.ofSeconds(1)); // and once more, long after: a no-op
        }
    }

    @Test
    void anOldStateFileStillLoads() throws Exception {
        InstanceSpec alive = sleeper(release("alive"));
        InstanceSpec gone = sleeper(release("gone"));
        Process running = sleepOutside(Map.of());
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        // the format before states: spec and pid only
        Files.writeString(state(), "[{\"spec\":" + SupervisorProtocol.JSON.writeValueAsString(alive) + ",\"pid\":" + running.pid() + "},"
                + "{\"spec\":" + SupervisorProtocol.JSON.writeValueAsString(gone) + ",\"pid\":" + finished.pid() + "}]");

        try (Supervisor s = new Supervisor(state())) {
            List<String> report = s.recover();
            assertEquals(2, report.size(), report.toString());
            assertEquals("adopted " + alive.key() + " (pid " + running.pid() + ")", report.getFirst());
            assertTrue(report.get(1).startsWith("started " + gone.key() + " again (pid "), report.toString());
            assertEquals(List.of("running", "running"), records(state()).stream().map(Supervisor.Remembered::state).toList());
            s.stopAll(Duration.ofSeconds(5));
        }
        assertFalse(running.isAlive());
    }

    @Test
    void aReusedPidIsNotAdopted() throws Exception {
        InstanceSpec spec = sleeper(release("reused"));
        Process impostor = sleepOutside(Map.of()); // same argv, but not the process the record names: it started at another time
        writeRecords(state(), List.of(new Supervisor.Remembered(spec, impostor.pid(), "running", null, null, "some-other-boot:12345")));

        try (Supervisor s = new Supervisor(state())) {
            List<String> report = s.recover();
            assertTrue(report.getFirst().startsWith("started " + spec.key() + " again (pid "), report.toString());
            assertNotEquals(impostor.pid(), s.list().getFirst().pid());
            s.stop("app", spec.release(), Duration.ofSeconds(5));
        }
        assertTrue(impostor.isAlive(), "the impostor was left alone");
    }
}
