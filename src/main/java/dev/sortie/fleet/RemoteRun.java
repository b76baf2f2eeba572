package dev.sortie.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs an ssh argv (optionally fed by a local producer such as {@code tar -c}, as a pipeline of argv lists: no shell)
 * to its end or its time bound, handing each output line on as it comes; stdin is /dev/null unless a producer feeds it.
 */
final class RemoteRun {

    /** How a remote command ended: its exit code (255: ssh itself failed; -1: it timed out) and its last lines. */
    record Ran(int exit, List<String> lines, String producerError) {

        String last() {
            return lines.isEmpty() ? "(no output)" : lines.getLast();
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    private static final int KEPT = 40;

    private RemoteRun() {
    }

    static Ran run(List<String> ssh, Duration timeout, Consumer<String> lines) throws IOException, InterruptedException {
        return run(null, ssh, timeout, lines);
    }

    /** {@code producer | ssh}; the producer's stderr is kept apart, so a failed {@code tar} says why. */
    static Ran run(List<String> producer, List<String> ssh, Duration timeout, Consumer<String> lines) throws IOException, InterruptedException {
        ProcessBuilder remote = new ProcessBuilder(ssh).redirectErrorStream(true);
        Path producerErr = null;
        List<Process> processes;
        if (producer == null) {
            remote.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            processes = List.of(remote.start());
        } else {
            producerErr = Files.createTempFile("sortie-ship", ".err");
            ProcessBuilder local = new ProcessBuilder(producer).redirectError(producerErr.toFile());
            processes = ProcessBuilder.startPipeline(List.of(local, remote));
        }
        Process last = processes.getLast();
        List<String> kept = new ArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(last.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String clean = line.replace("\r", "");
                    synchronized (kept) {
                        kept.add(clean);
                        if (kept.size() > KEPT) {
                            kept.removeFirst();
                        }
                    }
                    lines.accept(clean);
                }
            } catch (IOException ignored) {
                // the process went away; its exit code says how
            }
        });
        boolean done = last.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            processes.forEach(Process::destroyForcibly);
        }
        for (Process p : processes) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5000);
        String err = null;
        if (producerErr != null) {
            Process first = processes.getFirst();
            String text = Files.readString(producerErr).strip();
            Files.deleteIfExists(producerErr);
            if (!first.isAlive() && first.exitValue() != 0) {
                err = producer.getFirst() + " exited with " + first.exitValue() + (text.isEmpty() ? "" : ": " + text);
            }
        }
        synchronized (kept) {
            return new Ran(done ? last.exitValue() : -1, List.copyOf(kept), err);
        }
    }
}
