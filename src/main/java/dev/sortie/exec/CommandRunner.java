package dev.sortie.exec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;

/** Runs {@link Command}s through Commons Exec, streaming their output a line at a time and checking exit codes. */
public final class CommandRunner {

    private static final int TAIL_LINES = 20;

    private final Duration timeout;

    public CommandRunner(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Runs the command to completion; every output line (stdout and stderr, merged) goes to {@code output}.
     *
     * @throws CommandFailedException when it cannot start, exits non-zero or runs past the timeout
     */
    public void run(Command command, Consumer<String> output) throws CommandFailedException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(command.env());
        String program;
        try {
            program = Executables.resolve(command.argv().getFirst(), env.get("PATH"), command.workDir()).toString();
        } catch (IOException e) {
            throw new CommandFailedException(command, -1, e.getMessage(), List.of());
        }
        CommandLine line = new CommandLine(program);
        for (String arg : command.argv().subList(1, command.argv().size())) {
            line.addArgument(arg, false);
        }
        Deque<String> tail = new ArrayDeque<>();
        // One line buffer per stream: the stdout and stderr pumps are two threads, and a shared buffer mixes their lines.
        LogOutputStream stdout = lineSink(tail, output);
        LogOutputStream stderr = lineSink(tail, output);
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        DefaultExecutor executor = DefaultExecutor.builder()
                .setWorkingDirectory(command.workDir().toFile())
                .setExecuteStreamHandler(new PumpStreamHandler(stdout, stderr, new ByteArrayInputStream(new byte[0])))
                .get();
        executor.setWatchdog(watchdog);
        executor.setExitValues(null); // we check the exit code ourselves, to say what failed
        int exit;
        try {
            exit = executor.execute(line, env);
        } catch (IOException e) {
            throw new CommandFailedException(command, -1, "could not run " + command.argv().getFirst() + ": " + e.getMessage(), List.of());
        } finally {
            try {
                stdout.close();
                stderr.close();
            } catch (IOException ignored) {
                // the sinks write to memory and a consumer; closing only flushes a last partial line
            }
        }
        if (watchdog.killedProcess()) {
            throw new CommandFailedException(command, exit, "did not finish within " + Durations.format(timeout) + " and was stopped", snapshot(tail));
        }
        if (exit != 0) {
            throw new CommandFailedException(command, exit, "exited with code " + exit, snapshot(tail));
        }
    }

    /** Splits one stream into lines; lines from both streams reach the tail and the consumer one at a time. */
    private static LogOutputStream lineSink(Deque<String> tail, Consumer<String> output) {
        return new LogOutputStream(0, StandardCharsets.UTF_8) {
            @Override
            protected void processLine(String text, int level) {
                synchronized (tail) {
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(text);
                    output.accept(text);
                }
            }
        };
    }

    private static List<String> snapshot(Deque<String> tail) {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }
}
