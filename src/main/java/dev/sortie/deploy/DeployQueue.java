package dev.sortie.deploy;

import dev.sortie.config.AppName;
import dev.sortie.config.Ownership;
import dev.sortie.config.SortieHome;
import dev.sortie.git.AppRepository;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.release.ReleaseId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's deploy queue: each app's deploys run one at a time, in arrival order, each in a
 * worker process. A queued push whose branch has moved on by the time its turn comes is skipped
 * as superseded. When a worker exits without finishing its deploy (it failed, died, was killed or
 * cancelled), {@link Convergence} ends the deploy from its journal before the next one starts.
 */
public final class DeployQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeployQueue.class);

    /** Starts worker processes. */
    public interface Workers {
        /** A worker that will run the deploy journalled in {@code journal}; the deploy starts once {@link Worker#go} is called. */
        Worker take(String app) throws IOException;
    }

    /** A started worker process, waiting to be told which deploy to run. */
    public interface Worker {
        long pid();

        void go(Path journal) throws IOException;

        /** Waits for the process to end; returns its exit code. */
        int waitFor() throws InterruptedException;

        void kill();
    }

    /**
     * A request to deploy, as a pusher or the CLI makes it; {@code gate} only for a gated push,
     * {@code source} only for a deploy of a stored release (rollback, config, restart).
     */
    public record Request(String app, String commit, String branch, String kind, String by, DeployEvent.Gate gate, String source) {
        public Request(String app, String commit, String branch, String kind, String by, DeployEvent.Gate gate) {
            this(app, commit, branch, kind, by, gate, null);
        }
    }

    public static final String PUSH = "push";
    public static final String GATED = "gated";
    public static final String DEPLOY = "deploy";
    /** Deploys of a stored release: no build, only upgrade_service, configure_nginx and run_bots. */
    public static final String ROLLBACK = "rollback";
    public static final String CONFIG = "config";
    public static final String RESTART = "restart";
    /** A host's part of a fleet deploy: a release the primary built and shipped here, through the last three steps. */
    public static final String FLEET = "fleet";

    /** Whether a deploy of this kind runs a stored release instead of building a commit. */
    public static boolean ofStoredRelease(String kind) {
        return ROLLBACK.equals(kind) || CONFIG.equals(kind) || RESTART.equals(kind) || FLEET.equals(kind);
    }
    private static final String NO_COMMIT = "0000000000000000000000000000000000000000";

    private final SortieHome home;
    private final Workers workers;
    private final Convergence convergence;
    private final Map<String, Deque<String>> queues = new HashMap<>();
    private final Map<String, Running> running = new HashMap<>();
    private final Map<String, Thread> runners = new HashMap<>();
    /** Per app, the git receive-pack of the last gated push that went live: it moves the branch once its hook exits. */
    private final Map<String, Long> lastGatedPusher = new HashMap<>();
    private final CountDownLatch recovered = new CountDownLatch(1);
    private volatile boolean closed;

    /**
     * An app's deploy from the moment it leaves the queue until it has ended: starting (no worker yet),
     * running, then ended (its worker exited; the deploy is being wound up). Guarded by the queue's monitor.
     */
    private static final class Running {
        final String deployId;
        Worker worker;
        boolean ended;
        String cancelledBy;

        Running(String deployId) {
            this.deployId = deployId;
        }
    }

    /** Oldest first, by when the daemon queued them (ids sort by second, then by commit: not by arrival). */
    static final Comparator<DeployState> ARRIVAL = Comparator.comparing(DeployState::queuedAt).thenComparing(DeployState::deployId);

    public DeployQueue(SortieHome home, Workers workers, Convergence convergence) {
        this.home = home;
        this.workers = workers;
        this.convergence = convergence;
    }

    /** Queues a deploy and returns its id; its journal exists (with the Queued line on disk) when this returns. */
    public String enqueue(Request r) throws IOException, InterruptedException {
        AppName.require(r.app());
        if (!Files.isDirectory(home.repo(r.app()))) {
            throw new IOException("no app named " + r.app());
        }
        if (r.commit() == null || !r.commit().matches("[0-9a-f]{40}")) {
            throw new IOException("not a full commit id: " + r.commit());
        }
        awaitRecovered();
        synchronized (this) {
            String id = ReleaseId.unique(Instant.now(), r.commit(), this::taken);
            Deque<String> queue = queues.computeIfAbsent(r.app(), a -> new ArrayDeque<>());
            try (Journal journal = Journal.open(home.journal(r.app(), id))) {
                journal.appendDurably(new DeployEvent.Queued(id, r.app(), r.commit(), r.branch(), r.kind(), r.by(), r.gate(), r.source()));
                Ownership.likeDir(home.journal(r.app(), id)); // the app's worker appends to it, as the app's user when apps have users
                Running now = running.get(r.app());
                int ahead = queue.size() + (now == null ? 0 : 1);
                if (ahead > 0) {
                    journal.accept(new DeployEvent.Notice(r.app() + ": queued behind " + ahead + (ahead == 1 ? " deploy" : " deploys")
                            + (now == null ? "" : " (running: " + now.deployId + ")")));
                }
            }
            queue.addLast(id);
            startRunner(r.app());
            return id;
        }
    }

    private boolean taken(String id) {
        for (String app : queues.keySet()) {
            if (Files.exists(home.journal(app, id))) {
                return true;
            }
        }
        try (Stream<Path> apps = Files.list(home.appsDir())) {
            return apps.anyMatch(a -> Files.exists(a.resolve("deploys").resolve(id + ".jsonl"))
                    || Files.exists(a.resolve("releases").resolve(id)));
        } catch (IOException e) {
            return false;
        }
    }

    private synchronized void startRunner(String app) {
        Thread t = runners.get(app);
        if (t == null || !t.isAlive()) {
            runners.put(app, Thread.ofVirtual().name("sortie-deploys-" + app).start(() -> runQueue(app)));
        }
    }

    private void runQueue(String app) {
        while (!closed) {
            String id;
            Running run;
            synchronized (this) {
                Deque<String> queue = queues.get(app);
                id = queue == null ? null : queue.pollFirst();
                if (id == null) {
                    runners.remove(app);
                    return;
                }
                // from here on this is the app's running deploy, for a cancel too, until it has ended
                run = new Running(id);
                running.put(app, run);
            }
            try {
                runOne(app, run);
            } catch (IOException | RuntimeException e) {
                LOG.error("deploy {} of {} could not run", id, app, e);
                synchronized (this) {
                    run.ended = true;
                }
                try {
                    convergence.reconcile(home.journal(app, id), "the sortie server could not run it: " + e.getMessage());
                } catch (IOException | RuntimeException again) {
                    LOG.error("and could not be reconciled", again);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                synchronized (this) {
                    running.remove(app, run);
                }
            }
        }
    }

    private void runOne(String app, Running run) throws IOException, InterruptedException {
        String id = run.deployId;
        Path file = home.journal(app, id);
        DeployState state = DeployState.of(Journal.read(file)).orElseThrow(() -> new IOException(file + " has no queued line"));
        if (state.finished()) {
            return; // cancelled while queued
        }
        if (GATED.equals(state.kind())) {
            Optional<String> moved = gateMovedOn(app, state);
            if (moved.isPresent()) {
                try (Journal journal = Journal.open(file)) {
                    journal.appendDurably(new DeployEvent.Skipped(app, moved.get(), null));
                }
                return;
            }
        }
        Optional<String> supersededBy = supersededBy(state);
        if (supersededBy.isPresent()) {
            String follow = latestDeployOf(app, supersededBy.get()).orElse(null);
            try (Journal journal = Journal.open(file)) {
                journal.appendDurably(new DeployEvent.Skipped(app, "superseded by " + supersededBy.get().substring(0, 7)
                        + ": " + state.branch() + " moved on before this deploy's turn came", follow));
            }
            return;
        }
        if (cancelledBeforeItStarted(app, run, file)) {
            return;
        }
        Worker worker = workers.take(app);
        synchronized (this) {
            if (run.cancelledBy == null) {
                run.worker = worker;
            }
        }
        if (run.worker == null) {
            worker.kill();
            cancelledBeforeItStarted(app, run, file);
            return;
        }
        int exit;
        try {
            try (Journal journal = Journal.open(file)) {
                journal.appendDurably(new DeployEvent.WorkerStarted(worker.pid()));
            }
            worker.go(file);
            exit = worker.waitFor();
        } catch (IOException | RuntimeException e) {
            worker.kill(); // it may never have been told its deploy: it must not wait for one forever
            throw e;
        } finally {
            synchronized (this) {
                run.ended = true;
            }
        }
        String cancelledBy;
        synchronized (this) {
            cancelledBy = run.cancelledBy;
        }
        DeployState after = DeployState.of(Journal.read(file)).orElseThrow();
        if (after.gate() != null && after.terminal() instanceof DeployEvent.Live) {
            synchronized (this) {
                lastGatedPusher.put(app, after.gate().pusherPid());
            }
        }
        if (after.finished()) {
            return;
        }
        String death;
        if (cancelledBy != null) {
            death = "cancelled by " + cancelledBy;
        } else if (exit == 1 && after.aborting() != null) {
            death = null;
        } else {
            death = exit > 128 ? "signal " + (exit - 128) : "exit " + exit;
        }
        convergence.reconcile(file, death);
    }

    /** A deploy cancelled after it left the queue, before it had a worker, ends as a queued one would; returns whether it was. */
    private boolean cancelledBeforeItStarted(String app, Running run, Path file) throws IOException {
        String by;
        synchronized (this) {
            by = run.cancelledBy;
        }
        if (by == null) {
            return false;
        }
        try (Journal journal = Journal.open(file)) {
            journal.appendDurably(new DeployEvent.Skipped(app, "cancelled by " + by + " before it started", null));
        }
        return true;
    }

    /**
     * For a gated push, why it cannot go live: the branch is no longer where it was when the push
     * began (another push went live first), so git would refuse to move it after our deploy. The
     * previous gated push's git moves the branch just after its hook exits: wait for that first.
     */
    private Optional<String> gateMovedOn(String app, DeployState state) throws IOException, InterruptedException {
        Long previous;
        synchronized (this) {
            previous = lastGatedPusher.remove(app);
        }
        if (previous != null) {
            ProcessHandle.of(previous).ifPresent(h -> {
                try {
                    h.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("git receive-pack {} still runs after 30s", previous);
                }
            });
        }
        Optional<String> tip = new AppRepository(home.repo(app)).resolve("refs/heads/" + state.branch());
        String old = state.gate().oldCommit();
        boolean same = NO_COMMIT.equals(old) ? tip.isEmpty() : tip.equals(Optional.of(old));
        if (same) {
            return Optional.empty();
        }
        return Optional.of("rejected: " + state.branch() + " moved on to " + tip.map(t -> t.substring(0, 7)).orElse("nothing")
                + " while this push waited, so git could not accept it after the deploy; pull, then push again");
    }

    /** For a push: the branch's tip when it is no longer this deploy's commit. */
    private Optional<String> supersededBy(DeployState state) throws IOException {
        if (!PUSH.equals(state.kind())) {
            return Optional.empty();
        }
        Optional<String> tip = new AppRepository(home.repo(state.app())).resolve("refs/heads/" + state.branch());
        return tip.filter(t -> !t.equals(state.commit()));
    }

    private Optional<String> latestDeployOf(String app, String commit) throws IOException {
        return journals(app).stream()
                .map(DeployQueue::stateOf)
                .flatMap(Optional::stream)
                .filter(s -> s.commit().equals(commit))
                .max(ARRIVAL)
                .map(DeployState::deployId);
    }

    /**
     * Cancels a deploy: a queued one never runs; a running one's worker is killed and the deploy undone
     * with the same guarantees as a failure. {@code target} is a deploy id or an app (its running or next deploy).
     *
     * @return what was done, for the person who asked
     */
    public String cancel(String target, String by) throws IOException, InterruptedException {
        awaitRecovered();
        Worker toKill = null;
        String killedApp = null;
        String killedId = null;
        String message;
        synchronized (this) {
            Optional<String[]> found = find(target);
            if (found.isEmpty()) {
                throw new IOException("no queued or running deploy " + (AppName.isValid(target) ? "of " : "") + target
                        + " (see: sortie deploys)");
            }
            String app = found.get()[0];
            String id = found.get()[1];
            Running r = running.get(app);
            if (r != null && r.deployId.equals(id)) {
                if (r.ended) {
                    throw new IOException("deploy " + id + " of " + app + " has already stopped; the sortie server is finishing it"
                            + " (see: sortie deploys " + app + ")");
                }
                if (r.cancelledBy != null) {
                    return "deploy " + id + " of " + app + " is already cancelled (by " + r.cancelledBy + ")";
                }
                if (r.worker == null) {
                    r.cancelledBy = by;
                    return "cancelled deploy " + id + " of " + app + " before it started";
                }
                DeployState state = stateOf(home.journal(app, id)).orElseThrow();
                if (state.committing()) {
                    return "deploy " + id + " of " + app + " has already committed; it finishes going live (roll back afterwards instead)";
                }
                r.cancelledBy = by;
                toKill = r.worker;
                message = "cancelled deploy " + id + " of " + app + " during " + state.where();
                killedApp = app;
                killedId = id;
            } else {
                queues.get(app).remove(id);
                try (Journal journal = Journal.open(home.journal(app, id))) {
                    journal.appendDurably(new DeployEvent.Skipped(app, "cancelled by " + by + " before it started", null));
                }
                message = "cancelled queued deploy " + id + " of " + app;
            }
        }
        if (toKill != null) {
            toKill.kill();
            return message + outcomeOfCancel(killedApp, killedId);
        }
        return message;
    }

    /** After killing a cancelled deploy's worker: what became of it, once the daemon has ended it (a commit may have won the race). */
    private String outcomeOfCancel(String app, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Optional<DeployState> state = stateOf(home.journal(app, id));
            if (state.isPresent() && state.get().finished()) {
                return switch (state.get().terminal()) {
                    case DeployEvent.Live l -> "; but it had committed just before, so it went live (roll back instead)";
                    case DeployEvent.Failed f -> f.restored()
                            ? "; undone: " + (f.previousRelease() == null ? "nothing was live before it" : "the previous release "
                                    + f.previousRelease() + " is serving")
                            : "; undoing it failed (see: sortie logs " + app + " --deploy " + id + ")";
                    default -> "";
                };
            }
            Thread.sleep(50);
        }
        return "; it is still being undone (see: sortie logs " + app + " --deploy " + id + ")";
    }

    /** [app, id] of the deploy a cancel means: the id itself, or an app's running deploy, else its next queued one. */
    private Optional<String[]> find(String target) {
        for (Map.Entry<String, Deque<String>> e : queues.entrySet()) {
            Running r = running.get(e.getKey());
            if (e.getKey().equals(target)) {
                if (r != null) {
                    return Optional.of(new String[] {e.getKey(), r.deployId});
                }
                return Optional.ofNullable(e.getValue().peekFirst()).map(id -> new String[] {e.getKey(), id});
            }
            if (r != null && r.deployId.equals(target) || e.getValue().contains(target)) {
                return Optional.of(new String[] {e.getKey(), target});
            }
        }
        for (Map.Entry<String, Running> e : running.entrySet()) {
            if (e.getKey().equals(target) || e.getValue().deployId.equals(target)) {
                return Optional.of(new String[] {e.getKey(), e.getValue().deployId});
            }
        }
        return Optional.empty();
    }

    /** Every deploy of {@code app} (all apps when null), newest first, at most {@code limit}. */
    public List<DeployState> list(String app, int limit) throws IOException {
        return list(home, app, limit);
    }

    /** As {@link #list(String, int)}, read from the journals of {@code home} alone (no daemon needed). */
    public static List<DeployState> list(SortieHome home, String app, int limit) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String a : app == null ? apps(home) : List.of(AppName.require(app))) {
            files.addAll(journals(home, a));
        }
        return newest(files, limit);
    }

    /**
     * The deploys of these journals, newest first by when they were queued, at most {@code limit}. An id
     * starts with the second its deploy was queued in, so only the journals of the seconds the newest
     * {@code limit} ids name need reading.
     */
    public static List<DeployState> newest(List<Path> journals, int limit) {
        List<Path> byName = journals.stream()
                .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                .toList();
        if (limit <= 0) {
            return List.of();
        }
        if (byName.size() > limit) {
            String oldestSecond = second(byName.get(limit - 1));
            byName = byName.stream().filter(p -> second(p).compareTo(oldestSecond) >= 0).toList();
        }
        return byName.stream()
                .map(DeployQueue::stateOf)
                .flatMap(Optional::stream)
                .sorted(ARRIVAL.reversed())
                .limit(limit)
                .toList();
    }

    /** {@code yyyyMMdd-HHmmss}, the second a deploy id starts with. */
    private static String second(Path journal) {
        String name = journal.getFileName().toString();
        return name.length() < 15 ? name : name.substring(0, 15);
    }

    /**
     * At daemon start: a deploy whose worker was running when the daemon went away is ended (its
     * worker killed if it still runs); deploys that were queued are queued again, in order.
     */
    public void recover() throws IOException {
        try {
            for (String app : apps()) {
                List<String> requeue = new ArrayList<>();
                Map<DeployState, Path> unfinished = new TreeMap<>(ARRIVAL);
                for (Path file : journals(app)) {
                    stateOf(file).filter(s -> !s.finished()).ifPresent(s -> unfinished.put(s, file));
                }
                for (Map.Entry<DeployState, Path> e : unfinished.entrySet()) {
                    DeployState state = e.getKey();
                    Long pid = state.workerPid();
                    if (pid == null) {
                        requeue.add(state.deployId());
                        continue;
                    }
                    String death = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                            .filter(DeployQueue::isWorker)
                            .map(h -> {
                                stopWithItsChildren(h);
                                return "stopped when the sortie server restarted";
                            })
                            .orElse("it was gone when the sortie server restarted");
                    LOG.info("deploy {} of {} had no live worker: {}", state.deployId(), app, death);
                    try {
                        convergence.reconcile(e.getValue(), death);
                    } catch (IOException | RuntimeException failed) {
                        // one deploy that cannot be ended must not keep the server, and every other app, from starting
                        LOG.error("could not end deploy {} of {}; the next start tries again", state.deployId(), app, failed);
                    }
                }
                try {
                    for (String line : convergence.sweep(app)) {
                        LOG.info("{}: {} (nothing named it)", app, line);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.error("{}: could not make nginx and the instances agree with current", app, e);
                }
                if (!requeue.isEmpty()) {
                    synchronized (this) {
                        queues.computeIfAbsent(app, a -> new ArrayDeque<>()).addAll(requeue);
                        startRunner(app);
                    }
                    LOG.info("queued again for {}: {}", app, requeue);
                }
            }
        } finally {
            recovered.countDown();
        }
    }

    /** Kills a worker and what it started (a build, a hook's command): once it is dead they could no longer be found. */
    private static void stopWithItsChildren(ProcessHandle worker) {
        List<ProcessHandle> children = worker.descendants().toList();
        worker.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : children) {
            h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join();
        }
        worker.onExit().completeOnTimeout(worker, 10, TimeUnit.SECONDS).join();
    }

    private static boolean isWorker(ProcessHandle h) {
        return h.info().arguments().map(args -> List.of(args).contains("deploy-worker")).orElse(true);
    }

    private void awaitRecovered() throws InterruptedException, IOException {
        if (!recovered.await(60, TimeUnit.SECONDS)) {
            throw new IOException("the sortie server is still recovering its deploys; try again in a moment");
        }
    }

    private static Optional<DeployState> stateOf(Path file) {
        try {
            return DeployState.of(Journal.read(file));
        } catch (IOException e) {
            LOG.warn("cannot read {}", file, e);
            return Optional.empty();
        }
    }

    private List<String> apps() throws IOException {
        return apps(home);
    }

    private static List<String> apps(SortieHome home) throws IOException {
        if (!Files.isDirectory(home.appsDir())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(home.appsDir())) {
            return dirs.map(p -> p.getFileName().toString()).filter(AppName::isValid).sorted().toList();
        }
    }

    private List<Path> journals(String app) throws IOException {
        return journals(home, app);
    }

    private static List<Path> journals(SortieHome home, String app) throws IOException {
        Path dir = home.deploysDir(app);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList();
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
