package dev.sortie.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A supervisor with a state file hands its instances to the next one: adopted while they run, started again when not. */
@Timeout(60)
class SupervisorRecoveryComponentTest {

    @TempDir
    Path dir;

    private InstanceSpec spec(String release) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        return new InstanceSpec("app", release, work.toString(), List.of("sleep", "300"), Map.of("PATH", "/usr/bin:/bin"), 4567,
                dir.resolve(release + ".log").toString());
    }

    @Test
    void aNewSupervisorAdoptsARunningInstanceWithoutRestartingIt() throws Exception {
        Path state = dir.resolve("instances.json");
        Supervisor first = new Supervisor(state);
        long pid = first.start(spec("r1")).pid();
        first.close(); // the daemon goes away; its instance keeps running

        try (Supervisor second = new Supervisor(state)) {
            List<String> report = second.recover();
            assertEquals(List.of("adopted app/r1 (pid " + pid + ")"), report);
            InstanceInfo info = second.list().getFirst();
            assertEquals(pid, info.pid());
            assertEquals(InstanceInfo.RUNNING, info.state());

            second.stop("app", "r1", Duration.ofSeconds(5));
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the adopted process was stopped");
            assertTrue(second.list().isEmpty());
        }
        try (Supervisor third = new Supervisor(state)) {
            assertTrue(third.recover().isEmpty(), "a stopped instance is forgotten");
        }
    }

    @Test
    void instancesThatAreGoneAreStartedAgainAndAShutdownKeepsTheTable() throws Exception {
        Path state = dir.resolve("instances.json");
        Supervisor first = new Supervisor(state);
        long before = first.start(spec("r2")).pid();
        first.stopAll(Duration.ofSeconds(5)); // `sortie server stop`, or a reboot: the process is gone
        first.close();
        assertFalse(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false));

        try (Supervisor second = new Supervisor(state)) {
            List<String> report = second.recover();
            assertEquals(1, report.size());
            assertTrue(report.getFirst().startsWith("started app/r2 again (pid "), report.toString());
            long after = second.list().getFirst().pid();
            assertNotEquals(before, after);
            assertTrue(ProcessHandle.of(after).map(ProcessHandle::isAlive).orElse(false));
            second.stop("app", "r2", Duration.ofSeconds(5));
        }
    }

    @Test
    void aRetiredInstanceIsNotBroughtBack() throws Exception {
        Path state = dir.resolve("instances.json");
        try (Supervisor first = new Supervisor(state)) {
            long pid = first.start(spec("r3")).pid();
            first.retire("app", "r3", Duration.ofSeconds(30), Duration.ofSeconds(5));
            try (Supervisor second = new Supervisor(state)) {
                List<String> report = second.recover();
                assertEquals(1, report.size(), report.toString());
                assertTrue(report.getFirst().startsWith("adopted app/r3 (pid " + pid + "), stopping it at "), "retired means on its way out: " + report);
                InstanceInfo info = second.list().getFirst();
                assertEquals(pid, info.pid(), "not started again");
                assertEquals(InstanceInfo.STOPPING, info.state());
            }
            first.stop("app", "r3", Duration.ofSeconds(5));
        }
    }
}
