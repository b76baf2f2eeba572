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
 * With a state file it remembers what it runs, so a new supervisor (after the daemon restarts,
 * or the machine reboots) adopts instances still running and starts those that are not.
 */
public final class Supervisor implements AutoCloseable {

    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** An instance that stayed up this long is healthy again: its next crash restarts after the shortest backoff. */
    static final Duration STABLE_AFTER = Duration.ofSeconds(30);

    private final Map<String, Managed> instances = new ConcurrentHashMap<>();
    private final Path stateFile;
    private volatile boolean shuttingDown;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());

    /** Supervises without remembering anything across restarts. */
    public Supervisor() {
        this(null);
    }

    /** @param stateFile where the instance table is kept (written atomically on every change), or null */
    public Supervisor(Path stateFile) {
        this.stateFile = stateFile;
    }

    /** One remembered instance: what to run, and the pid it last ran as. */
    record Remembered(InstanceSpec spec, long pid) {
    }

    /** Mutable runtime state of one supervised instance; guarded by its own monitor. */
    private final class Managed {
        final InstanceSpec spec;
        /** The running process; {@code process} is null for one adopted from an earlier supervisor (no exit code then). */
        ProcessHandle handle;
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
            long pid = handle != null && handle.isAlive() ? handle.pid() : 0;
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
        persist();
        return m.info();
    }

    /**
     * Takes over what the state file lists: adopts instances whose process still runs, starts the
     * others (after a reboot, say). Returns one line per instance saying which.
     */
    public List<String> recover() throws IOException {
        List<String> report = new ArrayList<>();
        if (stateFile == null || !Files.exists(stateFile)) {
            return report;
        }
        Remembered[] remembered = SupervisorProtocol.JSON.readValue(stateFile.toFile(), Remembered[].class);
        for (Remembered r : remembered) {
            Managed m = new Managed(r.spec());
            if (instances.putIfAbsent(r.spec().key(), m) != null) {
                continue;
            }
            synchronized (m) {
                var alive = ProcessHandle.of(r.pid()).filter(ProcessHandle::isAlive)
                        .filter(h -> h.info().arguments().map(a -> java.util.Arrays.asList(a).containsAll(r.spec().argv().subList(1,
                                r.spec().argv().size()))).orElse(true));
                if (alive.isPresent()) {
                    m.handle = alive.get();
                    m.startedAt = alive.get().info().startInstant().orElse(Instant.now());
                    ProcessHandle h = m.handle;
                    h.onExit().thenAccept(exited -> exited(m, exited));
                    report.add("adopted " + r.spec().key() + " (pid " + r.pid() + ")");
                } else {
                    try {
                        launch(m);
                        report.add("started " + r.spec().key() + " again (pid " + m.handle.pid() + ")");
                    } catch (IOException | RuntimeException e) {
                        instances.remove(r.spec().key());
                        report.add("could not start " + r.spec().key() + ": " + e.getMessage());
                    }
                }
            }
        }
        persist();
        return report;
    }

    /** Writes the instance table, except instances on their way out; a shutdown keeps the table for the next start. */
    private synchronized void persist() {
        if (stateFile == null || shuttingDown) {
            return;
        }
        List<Remembered> table = new ArrayList<>();
        for (Managed m : instances.values()) {
            synchronized (m) {
                if (!m.stopping && m.handle != null) {
                    table.add(new Remembered(m.spec, m.handle.pid()));
                }
            }
        }
        try {
            Path tmp = stateFile.resolveSibling("." + stateFile.getFileName() + ".tmp");
            Files.write(tmp, SupervisorProtocol.JSON.writeValueAsBytes(table));
            Files.move(tmp, stateFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("sortie server: cannot write " + stateFile + ": " + e.getMessage());
        }
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
        m.handle = p.toHandle();
        m.startedAt = Instant.now();
        m.state = InstanceInfo.RUNNING;
        p.onExit().thenAccept(exited -> exited(m, exited.toHandle()));
    }

    private void exited(Managed m, ProcessHandle h) {
        synchronized (m) {
            if (m.handle == null || m.handle.pid() != h.pid()) {
                return;
            }
            m.lastExit = m.process != null && m.process.pid() == h.pid() ? m.process.exitValue() : null;
            if (m.stopping) {
                m.notifyAll();
                return;
            }
            boolean stable = Duration.between(m.startedAt, Instant.now()).compareTo(STABLE_AFTER) >= 0;
            m.crashesInARow = stable ? 1 : m.crashesInARow + 1;
            Duration backoff = backoff(m.crashesInARow);
            m.state = InstanceInfo.RESTARTING;
            note(Path.of(m.spec.logFile()), (m.lastExit == null ? "exited" : "exited with code " + m.lastExit) + "; restarting in "
                    + backoff.toSeconds() + "s");
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
                Thread.ofVirtual().start(this::persist);
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
        ProcessHandle p;
        synchronized (m) {
            m.stopping = true;
            m.state = InstanceInfo.STOPPING;
            p = m.handle;
        }
        persist();
        if (p != null && p.isAlive()) {
            note(Path.of(m.spec.logFile()), "stopping (TERM, then KILL after " + timeout.toSeconds() + "s)");
            // the whole tree: a run command like `sh start.sh` must not leave its app behind holding the port
            List<ProcessHandle> children = p.descendants().toList();
            p.destroy();
            children.forEach(ProcessHandle::destroy);
            try {
                p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                awaitExit(children, timeout);
            } catch (TimeoutException e) {
                note(Path.of(m.spec.logFile()), "did not exit within " + timeout.toSeconds() + "s of TERM; killing");
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                children.forEach(ProcessHandle::destroyForcibly);
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
        persist();
    }

    /** Waits for processes that got TERM; KILLs those still alive when the time is up. */
    private static void awaitExit(List<ProcessHandle> processes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle h : processes) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
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
        persist();
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

    /** Stops every instance, in parallel, each with {@code timeout}; the state file keeps them for the next start. */
    public void stopAll(Duration timeout) {
        shuttingDown = true;
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
