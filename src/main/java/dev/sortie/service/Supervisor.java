package dev.sortie.service;

import dev.sortie.exec.Executables;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps app instances running: starts them with their own environment and log file, restarts
 * one that crashes with exponential backoff, and stops them gracefully (TERM, wait, KILL).
 *
 * <p>With a state file it remembers what it runs, so a new supervisor (after the daemon restarts,
 * is killed, or the machine reboots) takes over. The rule that makes "nothing is orphaned" true:
 * <b>an instance is in the state file before its process starts, and stays there until its process
 * is confirmed dead.</b> Each record has a state:
 * <ul>
 *   <li>{@code starting}: written before the launch, no pid yet;</li>
 *   <li>{@code running}: the pid (and the process's start, to tell a reused pid) is known;</li>
 *   <li>{@code stopping}: retired or being stopped, with {@code stopAt}, the instant it is due to be
 *       stopped, and the TERM-to-KILL timeout.</li>
 * </ul>
 * Every process gets {@code SORTIE_INSTANCE=<app>/<release>} in its environment (and, with a state
 * file, {@code SORTIE_SUPERVISOR=<state file>}), so it can be found by its record without a pid:
 * a daemon killed between writing the record and writing the pid leaves a process {@link #recover}
 * still finds in {@code /proc}.
 *
 * <p>An instance's stdout and stderr are its log file, opened {@code O_APPEND}: the daemon is not in the
 * path of the app's output, so the app keeps writing when the daemon is gone. A periodic check rotates
 * each log past {@code logs.max_size} by copy-truncate ({@link RotatingLog}).
 */
public final class Supervisor implements AutoCloseable {

    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** How soon the first crash of an instance that had been up is restarted. */
    static final Duration FIRST_RESTART = Duration.ofMillis(100);
    /** An instance that stayed up this long is healthy again: its next crash restarts after the shortest backoff. */
    static final Duration STABLE_AFTER = Duration.ofSeconds(30);
    /** TERM-to-KILL timeout for a stopping record that does not say (none should). */
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    /** The environment variable naming the instance a process belongs to: {@code <app>/<release>}. */
    static final String INSTANCE_VAR = "SORTIE_INSTANCE";
    /** The environment variable naming the state file of the supervisor that launched a process. */
    static final String SUPERVISOR_VAR = "SORTIE_SUPERVISOR";

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private final Map<String, Managed> instances = new ConcurrentHashMap<>();
    /** Instances {@link #stopAll} has stopped: remembered as running, so the next start brings them back. */
    private final Map<String, Remembered> kept = new ConcurrentHashMap<>();
    /** Guards writing the state file and moving an instance from {@code instances} to {@code kept}; never held while taking an instance's monitor. */
    private final Object stateLock = new Object();
    private final Path stateFile;
    private volatile boolean shuttingDown;
    private volatile boolean closed;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
    /** How often the instances' log sizes are looked at: a log may pass {@code logs.max_size} by what its app writes in this time. */
    static final Duration LOG_CHECK = Duration.ofSeconds(2);
    private final LogRotation rotation;
    /** Held by a rotation and by a note: a note is never written between a rotation's last look and its truncate. */
    private final Object logLock = new Object();

    /** Supervises without remembering anything across restarts. */
    public Supervisor() {
        this(null);
    }

    /** @param stateFile where the instance table is kept (written atomically and fsynced on every change), or null */
    public Supervisor(Path stateFile) {
        this(stateFile, LogRotation.DEFAULT);
    }

    /** @param rotation when the instances' logs are rotated */
    public Supervisor(Path stateFile, LogRotation rotation) {
        this(stateFile, rotation, LOG_CHECK);
    }

    /** @param logCheck how often the logs' sizes are looked at */
    Supervisor(Path stateFile, LogRotation rotation, Duration logCheck) {
        this.stateFile = stateFile == null ? null : stateFile.toAbsolutePath().normalize();
        this.rotation = rotation;
        timer.scheduleWithFixedDelay(this::rotateLogs, logCheck.toMillis(), logCheck.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * One instance in the state file. A file from before states (spec and pid only) reads as running.
     *
     * @param pid               null while starting
     * @param state             {@link #STARTING}, {@link #RUNNING} or {@link #STOPPING}; null means running
     * @param stopAt            when stopping: the instant it is due to be stopped
     * @param stopTimeoutMillis when stopping: how long TERM gets before KILL
     * @param processStart      the process's start as {@code <boot id>:<clock ticks since boot>} (Linux), or null
     */
    record Remembered(InstanceSpec spec, Long pid, String state, Instant stopAt, Long stopTimeoutMillis, String processStart) {
        static final String STARTING = "starting";
        static final String RUNNING = "running";
        static final String STOPPING = "stopping";
    }

    private enum Phase { STARTING, RUNNING, RESTARTING, STOPPING }

    /** Mutable runtime state of one supervised instance; guarded by its own monitor. */
    private final class Managed {
        final InstanceSpec spec;
        /** The running process; {@code process} is null for one adopted from an earlier supervisor (no exit code then). */
        ProcessHandle handle;
        Process process;
        String processStart;
        Phase phase;
        int restarts;
        int crashesInARow;
        Instant startedAt;
        Integer lastExit;
        Instant stopAt;
        Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        /** Stopped by {@link #stopAll}: its record stays, as running, for the next start. */
        boolean keep;
        /** Taken back into service under another release ({@link #takeOver}): its scheduled stop no longer applies. */
        boolean takenOver;
        /** The stop under way (TERM, wait, KILL, forget), or done; null until one starts, and again after one fails. */
        CompletableFuture<Void> termination;
        /** What the state file says of this instance; refreshed by {@link #publish()}. */
        volatile Remembered durable;

        Managed(InstanceSpec spec, Phase phase) {
            this.spec = spec;
            this.phase = phase;
            publish();
        }

        /** Call, holding the monitor, after any change to the phase, the process or the stop time. */
        void publish() {
            Long pid = handle == null ? null : handle.pid();
            durable = switch (phase) {
                case STARTING -> new Remembered(spec, pid, Remembered.STARTING, null, null, processStart);
                case RUNNING, RESTARTING -> new Remembered(spec, pid, Remembered.RUNNING, null, null, processStart);
                case STOPPING -> keep
                        ? new Remembered(spec, pid, Remembered.RUNNING, null, null, processStart)
                        : new Remembered(spec, pid, Remembered.STOPPING, stopAt, stopTimeout.toMillis(), processStart);
            };
        }

        synchronized InstanceInfo info() {
            long pid = handle != null && handle.isAlive() ? handle.pid() : 0;
            String state = switch (phase) {
                case STARTING -> InstanceInfo.STARTING;
                case RUNNING -> InstanceInfo.RUNNING;
                case RESTARTING -> InstanceInfo.RESTARTING;
                case STOPPING -> InstanceInfo.STOPPING;
            };
            return new InstanceInfo(spec.app(), spec.release(), spec.port(), pid, state, restarts, startedAt, spec.logFile(), lastExit,
                    phase == Phase.STOPPING ? stopAt : null);
        }
    }

    /**
     * Records the instance as starting (fails, launching nothing, if the state file cannot be written),
     * launches it, and records its pid.
     */
    public InstanceInfo start(InstanceSpec spec) throws IOException {
        if (shuttingDown) {
            throw new IOException("the supervisor is shutting down; not starting " + spec.key());
        }
        Managed m = new Managed(spec, Phase.STARTING);
        if (instances.putIfAbsent(spec.key(), m) != null) {
            throw new IOException(spec.key() + " is already running");
        }
        try {
            writeState();
            synchronized (m) {
                if (shuttingDown || m.phase != Phase.STARTING) {
                    throw new IOException(spec.key() + " was stopped while starting");
                }
                launch(m);
            }
        } catch (IOException | RuntimeException e) {
            instances.remove(spec.key(), m);
            persist();
            throw e;
        }
        persist();
        return m.info();
    }

    /**
     * Takes over what the state file lists, and returns one line per instance saying what became of it.
     * A process is found by the record's pid (if it is alive, started when the record says, and has the
     * instance's argv or {@code SORTIE_INSTANCE}), else by scanning {@code /proc/*}{@code /environ} for its
     * {@code SORTIE_INSTANCE} (processes that cannot be read are skipped; nothing is found off Linux).
     * <ul>
     *   <li>{@code running}: adopted if found, else started again (after a reboot, say);</li>
     *   <li>{@code starting}: adopted (as running) if found, else dropped and <em>not</em> started: the
     *       process never started, and the deploy that asked for it never saw it confirmed, so it
     *       failed or will be retried by whoever deploys again;</li>
     *   <li>{@code stopping}: adopted if found and stopped when its {@code stopAt} comes (at once if past),
     *       TERM then KILL after its timeout, and forgotten once dead; dropped if its process is gone.</li>
     * </ul>
     */
    public List<String> recover() throws IOException {
        List<String> report = new ArrayList<>();
        if (stateFile == null || !Files.exists(stateFile)) {
            return report;
        }
        Remembered[] remembered = SupervisorProtocol.JSON.readValue(stateFile.toFile(), Remembered[].class);
        Map<String, List<Long>> markers = null; // /proc is scanned once, and only if a record needs it
        for (Remembered r : remembered) {
            if (r == null || r.spec() == null) {
                continue;
            }
            String key = r.spec().key();
            if (instances.containsKey(key)) {
                continue;
            }
            Optional<ProcessHandle> found = byPid(r);
            String how = "";
            if (found.isEmpty()) {
                if (markers == null) {
                    markers = scanMarkers(supervisorMarker());
                }
                found = byMarker(key, markers.get(key));
                how = ", found by its " + INSTANCE_VAR;
            }
            String state = r.state() == null ? Remembered.RUNNING : r.state();
            switch (state) {
                case Remembered.STARTING -> {
                    if (found.isPresent()) {
                        adopt(r.spec(), found.get(), Phase.RUNNING, null, null);
                        report.add("adopted " + key + " (pid " + found.get().pid() + how + ")");
                    } else {
                        report.add("dropped " + key + ": it was starting and no process has its " + INSTANCE_VAR + "; not starting it");
                    }
                }
                case Remembered.STOPPING -> {
                    if (found.isPresent()) {
                        Instant stopAt = r.stopAt() == null ? Instant.now() : r.stopAt();
                        Duration timeout = r.stopTimeoutMillis() == null ? DEFAULT_STOP_TIMEOUT : Duration.ofMillis(r.stopTimeoutMillis());
                        Managed m = adopt(r.spec(), found.get(), Phase.STOPPING, stopAt, timeout);
                        if (m != null) {
                            stopWhenDue(m, stopAt);
                        }
                        report.add("adopted " + key + " (pid " + found.get().pid() + how + "), stopping it at " + stopAt);
                    } else {
                        report.add("forgot " + key + ": it was stopping and its process is gone");
                    }
                }
                default -> {
                    if (!Remembered.RUNNING.equals(state)) {
                        log.warn("{} in {} has unknown state {}; taking it as running", key, stateFile, state);
                    }
                    if (found.isPresent()) {
                        adopt(r.spec(), found.get(), Phase.RUNNING, null, null);
                        report.add("adopted " + key + " (pid " + found.get().pid() + how + ")");
                    } else {
                        report.add(startAgain(r.spec()));
                    }
                }
            }
        }
        persist();
        return report;
    }

    private Managed adopt(InstanceSpec spec, ProcessHandle h, Phase phase, Instant stopAt, Duration timeout) {
        Managed m = new Managed(spec, phase);
        synchronized (m) {
            m.handle = h;
            m.processStart = processStart(h.pid());
            m.startedAt = h.info().startInstant().orElse(Instant.now());
            if (stopAt != null) {
                m.stopAt = stopAt;
                m.stopTimeout = timeout;
            }
            m.publish();
        }
        if (instances.putIfAbsent(spec.key(), m) != null) {
            return null;
        }
        // nothing to reconnect: the process writes its log file itself, and the check rotates it like any other
        h.onExit().thenAccept(exited -> exited(m, exited));
        return m;
    }

    private String startAgain(InstanceSpec spec) {
        Managed m = new Managed(spec, Phase.STARTING);
        if (instances.putIfAbsent(spec.key(), m) != null) {
            return spec.key() + " is already supervised";
        }
        synchronized (m) {
            try {
                launch(m);
                return "started " + spec.key() + " again (pid " + m.handle.pid() + ")";
            } catch (IOException | RuntimeException e) {
                instances.remove(spec.key(), m);
                return "could not start " + spec.key() + ": " + e.getMessage();
            }
        }
    }

    /** The record's pid, if it is alive and still the process the record names. */
    private Optional<ProcessHandle> byPid(Remembered r) {
        if (r.pid() == null || r.pid() <= 0 || r.pid() == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        return ProcessHandle.of(r.pid())
                .filter(ProcessHandle::isAlive)
                .filter(h -> {
                    String now = processStart(h.pid());
                    if (r.processStart() != null && now != null) {
                        // the pid with the start time it had: that process, also after an exec (sh run.sh -> java), and also
                        // when its environment is another user's to read (app_users: the marker is out of the daemon's reach)
                        return r.processStart().equals(now);
                    }
                    return argvMatches(r.spec(), h) || r.spec().key().equals(instanceMarker(h.pid()));
                });
    }

    private static boolean argvMatches(InstanceSpec spec, ProcessHandle h) {
        List<String> args = spec.argv().subList(1, spec.argv().size());
        return h.info().arguments().map(a -> Arrays.asList(a).containsAll(args)).orElse(true);
    }

    /** The topmost process carrying the instance's marker (its children inherit it); the oldest if there are several. */
    private static Optional<ProcessHandle> byMarker(String key, List<Long> pids) {
        if (pids == null || pids.isEmpty()) {
            return Optional.empty();
        }
        Set<Long> marked = new HashSet<>(pids);
        List<ProcessHandle> roots = pids.stream()
                .map(ProcessHandle::of)
                .flatMap(Optional::stream)
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.parent().map(parent -> !marked.contains(parent.pid())).orElse(true))
                .sorted(Comparator.comparing(h -> h.info().startInstant().orElse(Instant.MAX)))
                .toList();
        if (roots.size() > 1) {
            log.warn("{} processes have {}={}: {}; adopting the oldest", roots.size(), INSTANCE_VAR, key,
                    roots.stream().map(ProcessHandle::pid).toList());
        }
        return roots.stream().findFirst();
    }

    private String supervisorMarker() {
        return stateFile == null ? null : stateFile.toString();
    }

    /**
     * Pids by the {@code SORTIE_INSTANCE} in their environment, of every process in {@code /proc} this
     * user may read, except those another supervisor (another state file) launched. Empty off Linux.
     */
    static Map<String, List<Long>> scanMarkers(String supervisor) {
        Map<String, List<Long>> found = new HashMap<>();
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return found;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(c -> c >= '0' && c <= '9') || Long.parseLong(name) == self) {
                    continue;
                }
                byte[] environ;
                try {
                    environ = Files.readAllBytes(entry.resolve("environ"));
                } catch (IOException e) {
                    continue; // another user's, or gone meanwhile
                }
                String key = envValue(environ, INSTANCE_VAR);
                String launchedBy = envValue(environ, SUPERVISOR_VAR);
                if (key != null && (launchedBy == null || supervisor == null || launchedBy.equals(supervisor))) {
                    found.computeIfAbsent(key, k -> new ArrayList<>()).add(Long.parseLong(name));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot scan /proc for {}: {}", INSTANCE_VAR, e.getMessage());
        }
        return found;
    }

    /** The {@code SORTIE_INSTANCE} of a process, or null if it has none or cannot be read. */
    private static String instanceMarker(long pid) {
        try {
            return envValue(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), INSTANCE_VAR);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The value of {@code name} in a NUL-separated environment block, or null. */
    static String envValue(byte[] environ, String name) {
        byte[] prefix = (name + "=").getBytes(StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start >= prefix.length && Arrays.equals(environ, start, start + prefix.length, prefix, 0, prefix.length)) {
                    return new String(environ, start + prefix.length, i - start - prefix.length, StandardCharsets.UTF_8);
                }
                start = i + 1;
            }
        }
        return null;
    }

    /** When a process started, as {@code <boot id>:<clock ticks since boot>} from /proc; null where that cannot be read. */
    static String processStart(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ppid ...: comm may hold spaces and parentheses; starttime is field 22
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return BootId.VALUE + ":" + fields[19];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static final class BootId {
        static final String VALUE = read();

        private static String read() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }
    }

    /** Writes the table, logging a failure: for callers past the point where the record must exist. */
    private void persist() {
        try {
            writeState();
        } catch (IOException e) {
            log.error("cannot write {}: {}", stateFile, e.getMessage());
        }
    }

    /**
     * Writes every instance whose process may be alive, and those {@link #stopAll} keeps: to a temp file,
     * fsynced, then moved over the state file atomically. Each write is the whole table as it is now.
     */
    private void writeState() throws IOException {
        if (stateFile == null) {
            return;
        }
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            Map<String, Remembered> table = new TreeMap<>(kept);
            for (Managed m : instances.values()) {
                table.put(m.spec.key(), m.durable);
            }
            byte[] json = SupervisorProtocol.JSON.writeValueAsBytes(table.values());
            Path tmp = stateFile.resolveSibling("." + stateFile.getFileName() + ".tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(json);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(stateFile.getParent(), StandardOpenOption.READ)) {
                dir.force(true); // the rename itself
            } catch (IOException ignored) {
                // not every platform opens directories; the file's own content is already on disk
            }
        }
    }

    private void launch(Managed m) throws IOException {
        InstanceSpec spec = m.spec;
        Path log = Path.of(spec.logFile());
        Files.createDirectories(log.getParent());
        Path workDir = Path.of(spec.workDir());
        List<String> argv = new ArrayList<>(spec.argv());
        argv.set(0, Executables.resolve(argv.getFirst(), spec.env().get("PATH"), workDir).toString());
        if (spec.user() != null) {
            RunAs user = RunAs.lookup(spec.user())
                    .orElseThrow(() -> new IOException("no user " + spec.user() + " to run " + spec.key() + " as"));
            if (!Files.exists(log)) {
                Files.createFile(log);
            }
            user.own(log); // its output is its own: other apps' users cannot read it
            List<String> prefix = new ArrayList<>(user.prefix());
            prefix.set(0, Executables.resolve(prefix.getFirst(), "/usr/bin:/bin:/usr/sbin:/sbin", workDir).toString());
            argv.addAll(0, prefix);
        }
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(spec.env());
        pb.environment().put(INSTANCE_VAR, spec.key());
        if (stateFile != null) {
            pb.environment().put(SUPERVISOR_VAR, stateFile.toString());
        }
        note(log, "starting " + spec.release() + " on port " + spec.port() + ": " + String.join(" ", spec.shownArgv()));
        Process p = pb.start();
        m.process = p;
        m.handle = p.toHandle();
        m.processStart = processStart(p.pid());
        m.startedAt = Instant.now();
        m.phase = Phase.RUNNING;
        m.publish();
        p.onExit().thenAccept(exited -> exited(m, exited.toHandle()));
    }

    private void exited(Managed m, ProcessHandle h) {
        boolean forget;
        synchronized (m) {
            if (closed || m.handle == null || m.handle.pid() != h.pid()) {
                return;
            }
            m.lastExit = m.process != null && m.process.pid() == h.pid() ? m.process.exitValue() : null;
            if (m.phase == Phase.STOPPING) {
                forget = m.termination == null; // gone while draining: nothing left to wait for
            } else {
                forget = false;
                boolean stable = Duration.between(m.startedAt, Instant.now()).compareTo(STABLE_AFTER) >= 0;
                m.crashesInARow = stable ? 1 : m.crashesInARow + 1;
                Duration backoff = backoff(m.crashesInARow);
                m.phase = Phase.RESTARTING;
                m.publish();
                note(Path.of(m.spec.logFile()), (m.lastExit == null ? "exited" : "exited with code " + m.lastExit) + "; restarting in "
                        + (backoff.toMillis() < 1000 ? backoff.toMillis() + "ms" : backoff.toSeconds() + "s"));
                schedule(() -> restart(m), backoff);
            }
        }
        if (forget) {
            Thread.ofVirtual().start(() -> terminateQuietly(m));
        }
    }

    /**
     * The first crash of an instance that had been up is restarted after {@link #FIRST_RESTART} (a single instance's
     * traffic gets 502s until it is back), then 1s, 2s, 4s, ... up to a minute while it keeps crashing.
     */
    static Duration backoff(int crashesInARow) {
        if (crashesInARow <= 1) {
            return FIRST_RESTART;
        }
        long seconds = 1L << Math.min(crashesInARow - 2, 6);
        return seconds > MAX_BACKOFF.toSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds);
    }

    private void restart(Managed m) {
        synchronized (m) {
            if (closed || m.phase != Phase.RESTARTING || instances.get(m.spec.key()) != m) {
                return;
            }
            try {
                m.restarts++;
                launch(m);
            } catch (IOException | UncheckedIOException e) {
                note(Path.of(m.spec.logFile()), "could not restart: " + e.getMessage());
                m.crashesInARow++;
                schedule(() -> restart(m), backoff(m.crashesInARow));
                return;
            }
        }
        // off the timer thread: a slow disk must not hold up other restarts and drains
        Thread.ofVirtual().start(this::persist);
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            timer.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            if (!closed) {
                throw e;
            }
        }
    }

    /**
     * Marks the instance stopping (due at {@code at} unless already due sooner) and records it so.
     * Call holding its monitor. Returns whether this moved the stop time.
     */
    private static boolean markStopping(Managed m, Instant at, Duration timeout) {
        if (m.phase == Phase.STOPPING && !at.isBefore(m.stopAt)) {
            return false;
        }
        m.phase = Phase.STOPPING;
        m.stopAt = at;
        m.stopTimeout = timeout;
        m.publish();
        return true;
    }

    /**
     * TERM, then KILL after {@code timeout}; returns when the process is gone and its record with it.
     * Unknown instances are already stopped. Safe to call again, or while a retire or another stop is
     * under way: there is only ever one stop of an instance at a time, and later callers wait for it.
     */
    public void stop(String app, String release, Duration timeout) throws IOException {
        Managed m = instances.get(app + "/" + release);
        if (m == null) {
            return;
        }
        synchronized (m) {
            markStopping(m, Instant.now(), timeout);
        }
        persist();
        awaitTermination(m);
    }

    private void awaitTermination(Managed m) throws IOException {
        try {
            terminate(m).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping " + m.spec.key());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Starts the stop of a stopping instance, or returns the one under way; forgets the instance once its process is dead. */
    private CompletableFuture<Void> terminate(Managed m) {
        CompletableFuture<Void> attempt;
        ProcessHandle p;
        Duration timeout;
        synchronized (m) {
            if (m.termination != null) {
                return m.termination;
            }
            attempt = new CompletableFuture<>();
            m.termination = attempt;
            p = m.handle;
            timeout = m.stopTimeout;
        }
        try {
            if (p != null && p.isAlive()) {
                kill(m.spec, p, timeout);
            }
            forget(m);
            attempt.complete(null);
        } catch (IOException | RuntimeException e) {
            failed(m, attempt, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(m, attempt, new IOException("interrupted while stopping " + m.spec.key()));
        }
        return attempt;
    }

    /** The record stays (the process may live): a later stop, or the next daemon, tries again. */
    private static void failed(Managed m, CompletableFuture<Void> attempt, Exception e) {
        synchronized (m) {
            m.termination = null;
        }
        attempt.completeExceptionally(e);
    }

    private void terminateQuietly(Managed m) {
        if (closed) {
            return;
        }
        terminate(m).exceptionally(e -> {
            log.error("could not stop {}: {}", m.spec.key(), e.getMessage());
            note(Path.of(m.spec.logFile()), "could not stop: " + e.getMessage());
            return null;
        });
    }

    /** TERM to the process and its descendants, KILL to those left after {@code timeout}; throws if it outlives the KILL. */
    private void kill(InstanceSpec spec, ProcessHandle p, Duration timeout) throws IOException, InterruptedException {
        Path log = Path.of(spec.logFile());
        note(log, "stopping (TERM, then KILL after " + timeout.toSeconds() + "s)");
        // the whole tree: a run command like `sh start.sh` must not leave its app behind holding the port
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            awaitExit(children, timeout);
        } catch (TimeoutException e) {
            note(log, "did not exit within " + timeout.toSeconds() + "s of TERM; killing");
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            children.forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException stillThere) {
                if (p.isAlive()) {
                    throw new IOException(spec.key() + " (pid " + p.pid() + ") is still alive 10s after KILL");
                }
            }
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
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

    /** The process is dead: drops the instance, or for {@link #stopAll} keeps its record as running. */
    private void forget(Managed m) {
        Remembered keepAs;
        synchronized (m) {
            keepAs = m.keep ? m.durable : null;
        }
        synchronized (stateLock) {
            if (instances.remove(m.spec.key(), m) && keepAs != null) {
                kept.put(m.spec.key(), keepAs);
            }
        }
        persist();
    }

    /**
     * Marks the instance as stopping now (so it is not restarted), due to be stopped after {@code drain}, and
     * records that; then stops it when the drain is over, off the caller's thread. A daemon that dies during
     * the drain leaves the record to the next one, which stops the process when it is due. Retiring again
     * only ever brings the stop sooner.
     */
    public void retire(String app, String release, Duration drain, Duration timeout) {
        Managed m = instances.get(app + "/" + release);
        if (m == null) {
            return;
        }
        Instant at = Instant.now().plus(drain);
        synchronized (m) {
            if (!markStopping(m, at, timeout)) {
                return;
            }
        }
        persist();
        note(Path.of(m.spec.logFile()), "retired: traffic has moved to another release; stopping in " + drain.toMillis() + "ms");
        stopWhenDue(m, at);
    }

    private void stopWhenDue(Managed m, Instant at) {
        schedule(() -> Thread.ofVirtual().start(() -> {
            synchronized (m) {
                if (m.takenOver) {
                    return;
                }
            }
            terminateQuietly(m);
        }), Duration.between(Instant.now(), at));
    }

    /**
     * Calls off the pending stop of a retiring instance and renames its record to release {@code to}: the process
     * keeps running, now as that release's instance. Used by a rollback to a standby: the release it goes back to
     * has the same files and config as the standby's, under a new id.
     *
     * @return the renamed instance; empty when there is none retiring, or its stop has begun
     */
    public Optional<InstanceInfo> takeOver(String app, String from, String to) throws IOException {
        Managed m = instances.get(app + "/" + from);
        if (m == null || instances.containsKey(app + "/" + to)) {
            return Optional.empty();
        }
        Managed taken;
        synchronized (m) {
            if (m.phase != Phase.STOPPING || m.termination != null || m.keep || m.takenOver || m.handle == null || !m.handle.isAlive()) {
                return Optional.empty();
            }
            m.takenOver = true;
            InstanceSpec s = m.spec;
            taken = new Managed(new InstanceSpec(s.app(), to, s.workDir(), s.argv(), s.env(), s.port(), s.logFile(), s.user()),
                    Phase.RUNNING);
            synchronized (taken) {
                taken.handle = m.handle;
                taken.process = m.process;
                taken.processStart = m.processStart;
                taken.startedAt = m.startedAt;
                taken.restarts = m.restarts;
                taken.publish();
            }
            m.handle = null; // the process is the new record's now: the old one's exit callback leaves it alone
            m.process = null;
        }
        synchronized (stateLock) {
            instances.remove(m.spec.key(), m);
            instances.put(taken.spec.key(), taken);
        }
        persist();
        taken.handle.onExit().thenAccept(exited -> exited(taken, exited));
        note(Path.of(m.spec.logFile()), "taken back into service as release " + to + ": its stop is called off");
        return Optional.of(taken.info());
    }

    public List<InstanceInfo> list() {
        return instances.values().stream()
                .map(Managed::info)
                .sorted(Comparator.comparing(InstanceInfo::app).thenComparing(InstanceInfo::release))
                .toList();
    }

    /**
     * Stops every instance, in parallel, each with {@code timeout}, those draining included, and refuses new
     * starts. The state file keeps the running ones (as running, for the next start) but not those that were
     * retiring or starting.
     */
    public void stopAll(Duration timeout) {
        shuttingDown = true;
        List<Managed> all = List.copyOf(instances.values());
        Instant now = Instant.now();
        for (Managed m : all) {
            synchronized (m) {
                if (m.phase == Phase.RUNNING || m.phase == Phase.RESTARTING) {
                    m.keep = true;
                }
                markStopping(m, now, timeout);
                m.publish();
            }
        }
        persist();
        List<Thread> stoppers = new ArrayList<>();
        for (Managed m : all) {
            stoppers.add(Thread.ofVirtual().start(() -> {
                try {
                    awaitTermination(m);
                } catch (IOException e) {
                    log.error("could not stop {}: {}", m.spec.key(), e.getMessage());
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

    /** Appends a line of Sortie's own to an instance's log, as the app does: {@code O_APPEND}, after whatever it wrote. */
    private void note(Path log, String message) {
        String line = "[sortie " + Instant.now() + "] " + message + "\n";
        try {
            synchronized (logLock) {
                Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException ignored) {
            // the note is a courtesy in the app's log; failing to write it must not stop supervision
        }
    }

    /**
     * The periodic check: one size look at each distinct log of a supervised instance, launched here or adopted
     * (rotation works on the file, not on a stream, so both are the same), and a copy-truncate of those past the
     * limit. A failure is logged and waits for the next check; it never cancels the check.
     */
    private void rotateLogs() {
        Set<Path> files = new HashSet<>();
        for (Managed m : instances.values()) {
            files.add(Path.of(m.spec.logFile()).toAbsolutePath().normalize());
        }
        for (Path file : files) {
            try {
                synchronized (logLock) {
                    if (closed) {
                        return;
                    }
                    if (new RotatingLog(file, rotation).rotateIfDue()) {
                        log.info("rotated {}", file);
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.warn("could not rotate {}: {}", file, e.getMessage());
            }
        }
    }

    /**
     * Stops supervising, leaving the processes running and the state file as it is: no more restarts, stops
     * or writes. After {@link #stopAll} that is a clean shutdown; without, it is what a killed daemon leaves.
     */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
