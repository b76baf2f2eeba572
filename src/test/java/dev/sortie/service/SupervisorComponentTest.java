package dev.sortie.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import dev.sortie.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded supervisor with real processes: small /bin/sh scripts and sleep. */
@Timeout(60)
class SupervisorComponentTest {

    private static final Map<String, String> BASE_ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    private final Supervisor supervisor = new Supervisor();

    @AfterEach
    void stopEverything() {
        supervisor.stopAll(Duration.ofSeconds(2));
        supervisor.close();
    }

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private InstanceSpec spec(String app, String release, List<String> argv, Map<String, String> env) throws IOException {
        Path work = Files.createDirectories(dir.resolve("work-" + app + "-" + release));
        return new InstanceSpec(app, release, work.toString(), argv, env, 4567, dir.resolve("logs").resolve(app + "-" + release + ".log").toString());
    }

    private InstanceSpec spec(String app, String release, List<String> argv) throws IOException {
        return spec(app, release, argv, BASE_ENV);
    }

    private static String log(InstanceSpec spec) {
        try {
            return Files.readString(Path.of(spec.logFile()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, condition);
    }

    private static boolean alive(long pid) {
        return Await.alive(pid);
    }

    private InstanceInfo find(String app, String release) {
        return supervisor.list().stream().filter(i -> i.app().equals(app) && i.release().equals(release)).findFirst().orElse(null);
    }

    @Test
    void startsInTheWorkDirWithOnlyTheGivenEnvironmentAndLogsItsOutput() throws Exception {
        assertNotNull(System.getenv("HOME"), "this test needs HOME in the test's own environment, to show it does not leak");
        Path show = script("show", "echo \"pid=$$\"\nenv\necho \"pwd=$(pwd)\"\necho ready\nexec sleep 30\n");
        var env = new HashMap<>(BASE_ENV);
        env.put("PORT", "4567");
        env.put("GREETING", "hello world");
        InstanceSpec spec = spec("shop", "r1", List.of(show.toString()), env);

        InstanceInfo info = supervisor.start(spec);

        assertTrue(info.pid() > 0, info.toString());
        assertEquals(InstanceInfo.RUNNING, info.state());
        assertEquals(4567, info.port());
        assertEquals(0, info.restarts());
        await("the script's output in its log", () -> log(spec).contains("ready\n"));
        List<String> lines = log(spec).lines().toList();
        assertTrue(lines.getFirst().startsWith("[sortie ") && lines.getFirst().contains("starting r1 on port 4567"), lines.getFirst());
        assertTrue(lines.contains("pid=" + info.pid()), lines.toString());
        assertTrue(lines.contains("pwd=" + Path.of(spec.workDir()).toRealPath()), lines.toString());
        assertTrue(lines.contains("PORT=4567"), lines.toString());
        assertTrue(lines.contains("GREETING=hello world"), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("HOME=")), "HOME leaked from the daemon: " + lines);

        // The exact environment of the running process (the script has exec'd sleep, so this is what it was given).
        String environ = Files.readString(Path.of("/proc/" + info.pid() + "/environ"), StandardCharsets.UTF_8);
        Map<String, String> actual = Arrays.stream(environ.split("\0")).filter(s -> !s.isEmpty())
                .collect(Collectors.toMap(s -> s.substring(0, s.indexOf('=')), s -> s.substring(s.indexOf('=') + 1)));
        actual.remove("PWD"); // /bin/sh exports its working directory itself
        env.put("SORTIE_INSTANCE", "shop/r1"); // the supervisor's own marker: how a process is found without its pid
        assertEquals(env, actual);
    }

    @Test
    void aProcessThatExitsIsRestartedAfterABackoff() throws Exception {
        Path flaky = script("flaky", "if [ -f crashed-once ]; then echo second-run; exec sleep 30; fi\ntouch crashed-once\necho first-run\nexit 3\n");
        InstanceSpec spec = spec("flaky", "r1", List.of(flaky.toString()));

        long firstPid = supervisor.start(spec).pid();

        await("running again", () -> {
            InstanceInfo i = find("flaky", "r1");
            return i.state().equals(InstanceInfo.RUNNING) && i.restarts() >= 1 && i.pid() > 0;
        });
        InstanceInfo again = find("flaky", "r1");
        assertEquals(1, again.restarts());
        assertEquals(3, again.lastExit());
        assertTrue(again.pid() != firstPid);
        assertTrue(alive(again.pid()));
        await("the second run's output", () -> log(spec).contains("second-run"));
        String log = log(spec);
        assertTrue(log.matches("(?s).*\\[sortie [^]]+] exited with code 3; restarting in 100ms\n.*"), log);
        assertTrue(log.indexOf("first-run") < log.indexOf("exited with code 3") && log.indexOf("exited with code 3") < log.indexOf("second-run"), log);
    }

    @Test
    void stoppingACrashLoopingInstanceDuringItsBackoffCancelsTheRestart() throws Exception {
        Path crash = script("crash", "echo crashing\nexit 3\n");
        InstanceSpec spec = spec("loop", "r1", List.of(crash.toString()));
        supervisor.start(spec);
        await("state restarting after the crash", () -> InstanceInfo.RESTARTING.equals(find("loop", "r1").state()));

        supervisor.stop("loop", "r1", Duration.ofSeconds(1));
        assertTrue(supervisor.list().isEmpty(), supervisor.list().toString());

        // The restart was due 1s after the crash; wait past it and check nothing was started again.
        Thread.sleep(1500);
        assertTrue(supervisor.list().isEmpty(), supervisor.list().toString());
        assertEquals(1, log(spec).lines().filter(l -> l.contains("] starting r1")).count(), log(spec));
    }

    @Test
    void stopSendsTermAndTheProcessCanCleanUp() throws Exception {
        Path graceful = script("graceful", "trap 'echo cleaned-up > term.marker; exit 0' TERM\necho ready\nwhile :; do sleep 0.1; done\n");
        InstanceSpec spec = spec("calm", "r1", List.of(graceful.toString()));
        long pid = supervisor.start(spec).pid();
        await("the TERM trap to be installed", () -> log(spec).contains("ready"));

        supervisor.stop("calm", "r1", Duration.ofSeconds(10));

        assertFalse(alive(pid));
        assertEquals("cleaned-up\n", Files.readString(Path.of(spec.workDir(), "term.marker")));
        assertTrue(supervisor.list().isEmpty(), supervisor.list().toString());
        assertTrue(log(spec).contains("stopping (TERM, then KILL after 10s)"), log(spec));
        assertFalse(log(spec).contains("killing"), log(spec));
    }

    @Test
    void aProcessThatIgnoresTermIsKilledAfterTheTimeout() throws Exception {
        Path stubborn = script("stubborn", "trap '' TERM\necho ready\nwhile :; do sleep 0.1; done\n");
        InstanceSpec spec = spec("stubborn", "r1", List.of(stubborn.toString()));
        long pid = supervisor.start(spec).pid();
        await("the script to ignore TERM", () -> log(spec).contains("ready"));

        supervisor.stop("stubborn", "r1", Duration.ofSeconds(1));

        assertFalse(alive(pid));
        assertTrue(log(spec).contains("did not exit within 1s of TERM; killing"), log(spec));
        assertTrue(supervisor.list().isEmpty(), supervisor.list().toString());
    }

    @Test
    void stoppingAnUnknownInstanceIsANoOp() throws Exception {
        supervisor.stop("nobody", "r1", Duration.ofSeconds(1));
        supervisor.retire("nobody", "r1", Duration.ZERO, Duration.ofSeconds(1));
        assertTrue(supervisor.list().isEmpty());
    }

    @Test
    void retireStopsAfterTheDrainWithoutRestarting() throws Exception {
        InstanceSpec spec = spec("old", "r1", List.of("sleep", "30"));
        long pid = supervisor.start(spec).pid();

        supervisor.retire("old", "r1", Duration.ofMillis(300), Duration.ofSeconds(2));

        assertEquals(InstanceInfo.STOPPING, find("old", "r1").state());
        await("the retired instance to be gone", () -> supervisor.list().isEmpty());
        assertFalse(alive(pid));
        String log = log(spec);
        assertTrue(log.contains("retired: traffic has moved to another release; stopping in 300ms"), log);
        assertFalse(log.contains("restarting"), log);
        assertEquals(1, log.lines().filter(l -> l.contains("] starting r1")).count(), log);
    }

    @Test
    void anInstanceThatExitsWhileDrainingIsNotRestarted() throws Exception {
        Path waiter = script("waiter", "while [ ! -f go ]; do sleep 0.05; done\nexit 3\n");
        InstanceSpec spec = spec("old", "r2", List.of(waiter.toString()));
        long pid = supervisor.start(spec).pid();

        supervisor.retire("old", "r2", Duration.ofSeconds(1), Duration.ofSeconds(2));
        Files.writeString(Path.of(spec.workDir(), "go"), "");

        await("the draining process to exit by itself", () -> !alive(pid));
        await("the retired instance to be gone", () -> supervisor.list().isEmpty());
        assertFalse(log(spec).contains("restarting"), log(spec));
    }

    @Test
    void listIsSortedByAppThenRelease() throws Exception {
        supervisor.start(spec("beta", "r1", List.of("sleep", "30")));
        supervisor.start(spec("alpha", "r2", List.of("sleep", "30")));
        supervisor.start(spec("alpha", "r1", List.of("sleep", "30")));

        assertEquals(List.of("alpha/r1", "alpha/r2", "beta/r1"),
                supervisor.list().stream().map(i -> i.app() + "/" + i.release()).toList());
        assertTrue(supervisor.list().stream().allMatch(i -> alive(i.pid())));
    }

    @Test
    void startingTheSameReleaseTwiceFails() throws Exception {
        InstanceSpec spec = spec("twice", "r1", List.of("sleep", "30"));
        long pid = supervisor.start(spec).pid();

        var e = assertThrows(IOException.class, () -> supervisor.start(spec));

        assertTrue(e.getMessage().contains("twice/r1 is already running"), e.getMessage());
        assertEquals(List.of(pid), supervisor.list().stream().map(InstanceInfo::pid).toList());
        assertTrue(alive(pid));
    }

    @Test
    void aProgramThatIsNotOnThePathFailsToStartAndLeavesNothingBehind() throws Exception {
        InstanceSpec spec = spec("ghost", "r1", List.of("sortie-no-such-program"));

        var e = assertThrows(IOException.class, () -> supervisor.start(spec));

        assertTrue(e.getMessage().contains("command not found on PATH (/usr/bin:/bin)"), e.getMessage());
        assertTrue(supervisor.list().isEmpty(), supervisor.list().toString());
    }

    @Test
    void backoffDoublesUpToAMinute() {
        assertEquals(List.of(100L, 1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L),
                List.of(1, 2, 3, 4, 5, 6, 7, 8, 100).stream().map(n -> Supervisor.backoff(n).toMillis()).toList());
        assertEquals(Duration.ofMillis(100), Supervisor.backoff(0));
        assertEquals(Supervisor.MAX_BACKOFF, Supervisor.backoff(Integer.MAX_VALUE));
    }
}
