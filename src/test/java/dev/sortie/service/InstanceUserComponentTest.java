package dev.sortie.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.exec.Command;
import dev.sortie.exec.CommandRunner;
import dev.sortie.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances that run as their app's own Unix user (real users, made with useradd for the test and removed
 * after it; the suite runs as root, as CI does): the process has the user's ids and no capabilities, its
 * log is its own, and it can neither read another app's config nor signal another app's process.
 */
class InstanceUserComponentTest {

    static final String SUFFIX = Integer.toString(ThreadLocalRandom.current().nextInt(10_000, 99_999));
    static final String ALICE = "sortie-t" + SUFFIX + "a";
    static final String BOB = "sortie-t" + SUFFIX + "b";
    static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    static Path dir;

    @BeforeAll
    static void users() throws Exception {
        assertEquals("root", System.getProperty("user.name"), "this test makes Unix users: run the suite as root (CI does)");
        for (String user : List.of(ALICE, BOB)) {
            run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", user);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void removeUsers() throws Exception {
        for (String user : List.of(ALICE, BOB)) {
            if (RunAs.lookup(user).isPresent()) {
                run("userdel", user);
            }
        }
    }

    static void run(String... argv) throws Exception {
        new CommandRunner(Duration.ofSeconds(30)).run(new Command(List.of(argv), Path.of("/"), Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")),
                line -> { });
    }

    @Test
    void anInstanceRunsAsItsAppsUserAndCannotReachAnotherApp() throws Exception {
        RunAs alice = RunAs.lookup(ALICE).orElseThrow();
        RunAs bob = RunAs.lookup(BOB).orElseThrow();
        Path bobEnv = Files.writeString(dir.resolve("bob.env"), "SECRET=bob-only\n");
        bob.own(bobEnv);
        Path aliceWork = Files.createDirectories(dir.resolve("alice"));
        Path bobWork = Files.createDirectories(dir.resolve("bob"));
        alice.own(aliceWork);
        bob.own(bobWork);
        Supervisor supervisor = new Supervisor(dir.resolve("instances.json"));
        try {
            InstanceInfo b = supervisor.start(new InstanceSpec("bob", "r1", bobWork.toString(), List.of("sleep", "300"), ENV, 1,
                    dir.resolve("bob.log").toString(), BOB));
            // alice's instance tries what a hostile app would: read bob's config, signal bob's process
            String probe = "id -u; id -G; grep CapEff /proc/self/status;"
                    + " if cat " + bobEnv + " >/dev/null 2>&1; then echo READ-BOB-ENV; else echo cannot-read; fi;"
                    + " if kill -0 " + b.pid() + " 2>/dev/null; then echo SIGNALLED-BOB; else echo cannot-signal; fi;"
                    + " sleep 300";
            InstanceInfo a = supervisor.start(new InstanceSpec("alice", "r1", aliceWork.toString(), List.of("sh", "-c", probe), ENV, 2,
                    dir.resolve("alice.log").toString(), ALICE));
            Path log = dir.resolve("alice.log");
            // the supervisor's "starting" note quotes the script: wait for the probe's own last line
            Await.until("alice's probe has run", () -> read(log).lines().anyMatch(l -> l.equals("cannot-signal") || l.equals("SIGNALLED-BOB")));
            List<String> lines = new ArrayList<>(read(log).lines().filter(l -> !l.startsWith("[sortie")).toList());
            assertEquals(Integer.toString(alice.uid()), lines.get(0), read(log));
            assertEquals(Integer.toString(alice.gid()), lines.get(1).strip(), "no supplementary groups: " + read(log));
            assertEquals("CapEff:\t0000000000000000", lines.get(2), "no capabilities");
            assertEquals("cannot-read", lines.get(3), read(log));
            assertEquals("cannot-signal", lines.get(4), read(log));
            assertEquals(alice.uid(), (int) Files.getAttribute(log, "unix:uid"), "its log is the app user's");
            // the daemon's group (this JVM's) reads it, for `sortie logs` run as the daemon's user; others get nothing
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
            assertEquals(dev.sortie.exec.Privileges.gid(), (int) Files.getAttribute(log, "unix:gid"), "in the daemon's group, not alice's");
            assertEquals(Integer.toString(bob.uid()), uidOf(b.pid()));
            assertEquals(Integer.toString(alice.uid()), uidOf(a.pid()));
        } finally {
            supervisor.stopAll(Duration.ofSeconds(5)); // a failed assertion must not leave the users' processes behind
            supervisor.close();
        }
    }

    static String uidOf(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Uid:"))
                .map(l -> l.split("\\s+")[1]).findFirst().orElseThrow();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
