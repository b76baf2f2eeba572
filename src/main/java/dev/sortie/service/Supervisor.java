package dev.sortie.service;

import dev.sortie.exec.Executables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps app instances running: starts them with their own environment and log file, restarts
 * one that crashes with exponential backoff, and stops them gracefully (TERM, wait, KILL).
 */
public final class Supervisor implements AutoCloseable {

    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** An instance that stayed up this long is healthy again: its next crash restarts after the shortest backoff. */
    static final Duration STABLE_AFTER = Duration.ofSeconds(30);

    private final Map<String, Managed> instances = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());

    /** Mutable runtime state of one supervised instance; guarded by its own monitor. */
    private final class Managed {
        final InstanceSpec spec;
        Process process;
        String state = InstanceInfo.RUNNING;
        int restarts;
        int crashesInARow;
        Instant startedAt;
        Integer lastExit;
        boolean stopping;

        Managed(InstanceSpec spec) {
            this.spec = spec;
        }

        synchronized InstanceInfo info() {
            long pid = process != null && process.isAlive() ? process.pid() : 0;
            return new InstanceInfo(spec.app(), spec.release(), spec.port(), pid, state, restarts, startedAt, spec.logFile(), lastExit);
        }
    }

    public InstanceInfo start(InstanceSpec spec) throws IOException {
        Managed m = new Managed(spec);
        if (instances.putIfAbsent(spec.key(), m) != null) {
            throw new IOException(spec.key() + " is already running");
        }
        try {
            synchronized (m) {
                launch(m);
            }
        } catch (IOException | RuntimeException e) {
            instances.remove(spec.key());
            throw e;
        }
        return m.info();
    }

    private void launch(Managed m) throws IOException {
        InstanceSpec spec = m.spec;
        Path log = Path.of(spec.logFile());
        Files.createDirectories(log.getParent());
        Path workDir = Path.of(spec.workDir());
        List<String> argv = new ArrayList<>(spec.argv());
        argv.set(0, Executables.resolve(argv.getFirst(), spec.env().get("PATH"), workDir).toString());
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(spec.env());
        note(log, "starting " + spec.release() + " on port " + spec.port() + ": " + String.join(" ", spec.argv()));
        Process p = pb.start();
        m.process = p;
        m.startedAt = Instant.now();
        m.state = InstanceInfo.RUNNING;
        p.onExit().thenAccept(exited -> exited(m, exited));
    }

    private void exited(Managed m, Process p) {
        synchronized (m) {
            if (m.process != p) {
                return;
            }
            m.lastExit = p.exitValue();
            if (m.stopping) {
                m.notifyAll();
                return;
            }
            boolean stable = Duration.between(m.startedAt, Instant.now()).compareTo(STABLE_AFTER) >= 0;
            m.crashesInARow = stable ? 1 : m.crashesInARow + 1;
            Duration backoff = backoff(m.crashesInARow);
            m.state = InstanceInfo.RESTARTING;
            note(Path.of(m.spec.logFile()), "exited with code " + m.lastExit + "; restarting in " + backoff.toSeconds() + "s");
            timer.schedule(() -> restart(m), backoff.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** 1s, 2s, 4s, ... up to a minute. */
    static Duration backoff(int crashesInARow) {
        long seconds = 1L << Math.min(Math.max(crashesInARow - 1, 0), 6);
        return seconds > MAX_BACKOFF.toSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds);
    }

    private void restart(Managed m) {
        synchronized (m) {
            if (m.stopping || instances.get(m.spec.key()) != m) {
                return;
            }
            try {
                m.restarts++;
                launch(m);
            } catch (IOException | UncheckedIOException e) {
                note(Path.of(m.spec.logFile()), "could not restart: " + e.getMessage());
                m.crashesInARow++;
                timer.schedule(() -> restart(m), backoff(m.crashesInARow).toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** TERM, then KILL after {@code timeout}; returns when the process is gone. Unknown instances are already stopped. */
    public void stop(String app, String release, Duration timeout) throws IOException {
        Managed m = instances.get(app + "/" + release);
        if (m == null) {
            return;
        }
        Process p;
        synchronized (m) {
            m.stopping = true;
            m.state = InstanceInfo.STOPPING;
            p = m.process;
        }
        if (p != null && p.isAlive()) {
            note(Path.of(m.spec.logFile()), "stopping (TERM, then KILL after " + timeout.toSeconds() + "s)");
            p.destroy();
            try {
                p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                note(Path.of(m.spec.logFile()), "did not exit within " + timeout.toSeconds() + "s of TERM; killing");
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // KILL cannot be refused; the process is gone or a zombie the kernel will reap
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while stopping " + m.spec.key());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
        instances.remove(m.spec.key(), m);
    }

    /** Marks the instance as stopping now (so it is not restarted) and stops it after {@code drain}, off the caller's thread. */
    public void retire(String app, String release, Duration drain, Duration timeout) {
        Managed m = instances.get(app + "/" + release);
        if (m == null) {
            return;
        }
        synchronized (m) {
            m.stopping = true;
            m.state = InstanceInfo.STOPPING;
        }
        note(Path.of(m.spec.logFile()), "retired: traffic has moved to another release; stopping in " + drain.toMillis() + "ms");
        timer.schedule(() -> Thread.ofVirtual().start(() -> {
            try {
                stop(app, release, timeout);
            } catch (IOException e) {
                note(Path.of(m.spec.logFile()), "could not stop: " + e.getMessage());
            }
        }), drain.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<InstanceInfo> list() {
        return instances.values().stream()
                .map(Managed::info)
                .sorted(java.util.Comparator.comparing(InstanceInfo::app).thenComparing(InstanceInfo::release))
                .toList();
    }

    /** Stops every instance, in parallel, each with {@code timeout}. */
    public void stopAll(Duration timeout) {
        List<Thread> stoppers = new ArrayList<>();
        for (InstanceInfo i : list()) {
            stoppers.add(Thread.ofVirtual().start(() -> {
                try {
                    stop(i.app(), i.release(), timeout);
                } catch (IOException e) {
                    System.err.println("could not stop " + i.app() + "/" + i.release() + ": " + e.getMessage());
                }
            }));
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void note(Path log, String message) {
        String line = "[sortie " + Instant.now() + "] " + message + "\n";
        try {
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the note is a courtesy in the app's log; failing to write it must not stop supervision
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
