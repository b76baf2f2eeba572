package dev.sortie.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real processes through {@link CommandRunner}; the fixtures are small /bin/sh scripts in a temp dir. */
class CommandRunnerComponentTest {

    @TempDir
    Path dir;

    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(20));

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private List<String> run(Command command) throws CommandFailedException {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        runner.run(command, lines::add);
        return List.copyOf(lines);
    }

    @Test
    void streamsStdoutLinesInOrder() throws Exception {
        script("count", "i=1\nwhile [ $i -le 500 ]; do echo \"line $i\"; i=$((i+1)); done\n");
        List<String> lines = run(Command.of(dir, "./count"));
        assertEquals(IntStream.rangeClosed(1, 500).mapToObj(i -> "line " + i).toList(), lines);
    }

    @Test
    void mergesStderrIntoTheSameConsumer() throws Exception {
        script("both", "echo to-stdout\necho to-stderr >&2\n");
        List<String> lines = run(Command.of(dir, "./both"));
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.containsAll(List.of("to-stdout", "to-stderr")), lines.toString());
    }

    @Test
    void busyStdoutAndStderrKeepEveryLineWholeAndEachStreamInOrder() throws Exception {
        // Both streams at full speed at once, from two writers: every line must arrive whole, once, and in its stream's order.
        int n = 20_000;
        script("noisy", "seq 1 " + n + " | sed 's/.*/out-&-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/' &\n"
                + "seq 1 " + n + " | sed 's/.*/err-&-yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy/' >&2 &\n"
                + "wait\n");
        List<String> lines = run(Command.of(dir, "./noisy"));
        List<String> garbled = lines.stream().filter(l -> !l.matches("out-\\d+-x{40}|err-\\d+-y{40}")).limit(5).toList();
        assertEquals(List.of(), garbled, "lines mixed from stdout and stderr (first 5 shown)");
        List<Integer> out = lines.stream().filter(l -> l.startsWith("out-")).map(l -> Integer.valueOf(l.split("-")[1])).toList();
        List<Integer> err = lines.stream().filter(l -> l.startsWith("err-")).map(l -> Integer.valueOf(l.split("-")[1])).toList();
        List<Integer> expected = IntStream.rangeClosed(1, n).boxed().toList();
        assertTrue(out.equals(expected), "stdout lines lost, repeated or out of order");
        assertTrue(err.equals(expected), "stderr lines lost, repeated or out of order");
    }

    @Test
    void nonZeroExitThrowsWithCodeAndTail() throws Exception {
        script("fail", "i=1\nwhile [ $i -le 30 ]; do echo \"step $i\"; i=$((i+1)); done\necho boom\nexit 7\n");
        var e = assertThrows(CommandFailedException.class, () -> run(Command.of(dir, "./fail", "arg")));
        assertEquals(7, e.exitCode());
        assertTrue(e.getMessage().contains("exited with code 7"), e.getMessage());
        assertTrue(e.getMessage().startsWith("./fail arg "), e.getMessage());
        assertEquals("boom", e.tail().getLast());
        assertEquals(20, e.tail().size(), e.tail().toString());
        assertEquals("step 12", e.tail().getFirst());
        assertEquals(List.of("./fail", "arg"), e.command().argv());
    }

    @Test
    void tailKeepsWhatTheCommandSaidOnStderr() throws Exception {
        script("complain", "echo 'error: no such thing' >&2\nexit 3\n");
        var e = assertThrows(CommandFailedException.class, () -> run(Command.of(dir, "./complain")));
        assertEquals(3, e.exitCode());
        assertEquals(List.of("error: no such thing"), e.tail());
    }

    @Test
    void programNotOnPathFails() {
        var e = assertThrows(CommandFailedException.class,
                () -> run(new Command(List.of("sortie-no-such-program"), dir, Map.of("PATH", "/usr/bin:/bin"))));
        assertTrue(e.getMessage().contains("command not found on PATH"), e.getMessage());
        assertTrue(e.getMessage().contains("/usr/bin:/bin"), e.getMessage());
        assertEquals(-1, e.exitCode());
    }

    @Test
    void relativeProgramThatIsNotExecutableFails() throws Exception {
        Files.writeString(dir.resolve("plain"), "echo hi\n");
        var e = assertThrows(CommandFailedException.class, () -> run(Command.of(dir, "./plain")));
        assertTrue(e.getMessage().contains("is not an executable file"), e.getMessage());
    }

    @Test
    void programIsFoundOnTheCommandsOwnPath() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("private-bin"));
        Path tool = bin.resolve("sortie-test-tool");
        Files.writeString(tool, "#!/bin/sh\necho \"tool ran with $1\"\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));

        var onOwnPath = new Command(List.of("sortie-test-tool", "x"), dir, Map.of("PATH", bin + ":/usr/bin:/bin"));
        assertEquals(List.of("tool ran with x"), run(onOwnPath));
        assertEquals(tool, Executables.resolve("sortie-test-tool", bin + ":/usr/bin:/bin", dir));

        // Without the command's PATH the tool is not found: it is only reachable through Command.env.
        var e = assertThrows(CommandFailedException.class,
                () -> run(new Command(List.of("sortie-test-tool"), dir, Map.of("PATH", "/usr/bin:/bin"))));
        assertTrue(e.getMessage().contains("command not found on PATH"), e.getMessage());
    }

    @Test
    void timeoutStopsALongCommand() throws Exception {
        script("slow", "echo $$ > slow.pid\necho started\nexec sleep 30\n");
        var quick = new CommandRunner(Duration.ofSeconds(1));
        var e = assertThrows(CommandFailedException.class, () -> quick.run(Command.of(dir, "./slow"), line -> { }));
        assertTrue(e.getMessage().contains("did not finish within 1.0s"), e.getMessage());
        assertEquals(List.of("started"), e.tail());
        long pid = Long.parseLong(Files.readString(dir.resolve("slow.pid")).strip());
        for (int i = 0; i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(50);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the timed-out sleep is still running");
    }

    @Test
    void argumentsArriveVerbatimWithoutAShell() throws Exception {
        script("args", "printf '%s\\n' \"$@\"\n");
        List<String> args = List.of("two words", "it's \"quoted\"", "a;b", "$HOME", "`id`", "*", "back\\slash");
        var argv = new ArrayList<String>();
        argv.add("./args");
        argv.addAll(args);
        assertEquals(args, run(new Command(argv, dir, Map.of())));
    }

    @Test
    void runsInTheWorkDirWithTheExtraEnv() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        script("where", "pwd\necho \"GREETING=$GREETING\"\n");
        List<String> lines = run(new Command(List.of(dir.resolve("where").toString()), work, Map.of("GREETING", "hello there")));
        assertEquals(List.of(work.toRealPath().toString(), "GREETING=hello there"), lines);
    }
}
