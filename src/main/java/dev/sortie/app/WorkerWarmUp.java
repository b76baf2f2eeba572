package dev.sortie.app;

import dev.sortie.config.ConfigLoader;
import dev.sortie.deploy.DeployPlan;
import dev.sortie.deploy.DeployState;
import dev.sortie.deploy.DeployWorker;
import dev.sortie.deploy.Journal;
import dev.sortie.exec.Command;
import dev.sortie.exec.CommandRunner;
import dev.sortie.git.AppRepository;
import dev.sortie.nginx.ReleaseProbe;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.StepId;
import dev.sortie.hooks.runtime.HookCache;
import dev.sortie.release.EnvFile;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.HttpWait;
import dev.sortie.steps.DirTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What a spare deploy worker does while it waits for its deploy: it runs, on scratch data, the code
 * every deploy runs (the journal and its JSON, sortie.yml's YAML, JGit reading and checking out a
 * commit, the daemon's socket, the health check's HTTP client, a child process, the nginx site
 * template and probe), so that the deploy finds those classes loaded, initialised and partly
 * compiled instead of paying for it on the push's clock.
 *
 * <p>Nothing it does shows: scratch files live in a temporary directory that is removed; it only
 * reads app repos, asks the daemon for its instance list and runs {@code nginx -v}; its HTTP goes
 * to a server of its own on loopback. Every part is
 * best effort (a failure is the deploy's to meet, for real) and it stops between parts once a
 * deploy has arrived.
 */
final class WorkerWarmUp {

    /** A repo whose packs are bigger than this is not checked out for practice, only read. */
    private static final long CHECKOUT_LIMIT = 16L << 20;

    private interface Part {
        void run() throws Exception;
    }

    private WorkerWarmUp() {
    }

    /** Runs the parts in order until all ran or {@code stop} says a deploy is waiting. */
    static void run(Sortie sortie, BooleanSupplier stop) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("sortie-warm-up");
        } catch (IOException e) {
            return;
        }
        try {
            List<Part> parts = List.of(
                    () -> journal(scratch),
                    WorkerWarmUp::config,
                    () -> repository(sortie, scratch),
                    () -> releases(sortie, scratch),
                    () -> sortie.daemon().list(),
                    () -> DeployPlan.steps().forEach(step -> step.id()),
                    () -> sortie.sites().render("warm-up", "20000101-000000-0000000", List.of("warm-up.localhost"), 1),
                    WorkerWarmUp::http,
                    () -> new CommandRunner(Duration.ofSeconds(10)).run(
                            new Command(List.of(sortie.server().nginx().binary(), "-v"), scratch, java.util.Map.of()), line -> { }));
            for (Part part : parts) {
                if (stop.getAsBoolean()) {
                    return;
                }
                try {
                    part.run();
                } catch (Exception | LinkageError e) {
                    // practice only: the deploy meets the real failure, if there is one
                }
            }
        } finally {
            try {
                DirTree.delete(scratch);
            } catch (IOException | RuntimeException ignored) {
                // a temporary directory
            }
        }
    }

    /** A journal written, fsynced, read back and folded, with the events a deploy writes. */
    private static void journal(Path scratch) throws IOException {
        Path file = scratch.resolve("deploys").resolve("warm-up.jsonl");
        String commit = "0".repeat(40);
        String release = "20000101-000000-0000000";
        try (Journal journal = Journal.open(file)) {
            journal.appendDurably(new DeployEvent.Queued(release, "warm-up", commit, "main", "push", "sortie"));
            for (DeployEvent event : List.<DeployEvent>of(
                    new DeployEvent.WorkerStarted(1),
                    new DeployEvent.Started("warm-up", commit, "main", release, null),
                    new DeployEvent.StepStarted(StepId.DEPS),
                    new DeployEvent.Output(StepId.DEPS, "warm-up"),
                    new DeployEvent.Notice("warm-up"),
                    new DeployEvent.StepDone(StepId.DEPS, "warm-up", Duration.ofMillis(1)),
                    new DeployEvent.StartingInstance(release, 1, List.of("true")),
                    new DeployEvent.SwitchingNginx(release, null, null),
                    new DeployEvent.Committing(release),
                    new DeployEvent.Retiring(List.of(release), Duration.ofSeconds(1)),
                    new DeployEvent.Live("warm-up", release, "http://warm-up.localhost/"))) {
                journal.accept(event);
            }
        }
        DeployState.of(Journal.read(file));
    }

    private static void config() {
        ConfigLoader.parseApp("""
                branch: main
                run: [python3, -m, http.server, $PORT]
                healthcheck:
                  path: /health
                  timeout: 30s
                domains: [warm-up.localhost]
                """, "sortie.yml");
    }

    /**
     * The app deployed last: its live commit's sortie.yml read, and (when the repo is small) the
     * commit checked out into scratch and copied, as a deploy's checkout and copy_release do.
     */
    private static void repository(Sortie sortie, Path scratch) throws IOException {
        Optional<String> app = lastDeployed(sortie);
        if (app.isEmpty()) {
            return;
        }
        Optional<ReleaseRecord> live = sortie.releases(app.get()).currentRecord();
        if (live.isEmpty()) {
            return;
        }
        AppRepository repo = sortie.repo(app.get());
        repo.resolve("HEAD");
        DeployWorker.configAt(repo, live.get().commit());
        if (size(repo.dir().resolve("objects")) <= CHECKOUT_LIMIT) {
            repo.checkout(live.get().commit(), scratch.resolve("build"));
            DirTree.copy(scratch.resolve("build"), scratch.resolve("release"));
        }
    }

    /**
     * What a rollback, config change or restart does before and after its steps, in scratch: the last deployed
     * app's release records read, one of them written again with its config snapshot, its files linked into a
     * new release and the current link switched, and the hooks API's fingerprint (every deploy with hooks
     * computes it). Without this, the first record a worker writes costs it Jackson's serializers on the clock.
     */
    private static void releases(Sortie sortie, Path scratch) throws IOException {
        new HookCache(scratch.resolve("hooks-cache"));
        Optional<String> app = lastDeployed(sortie);
        if (app.isEmpty()) {
            return;
        }
        Optional<ReleaseRecord> live = sortie.releases(app.get()).list().stream().filter(ReleaseRecord::isLive).findFirst();
        if (live.isEmpty()) {
            return;
        }
        ReleaseStore store = new ReleaseStore(scratch.resolve("releases"), scratch.resolve("current"));
        String from = "20000101-000000-0000000";
        String to = "20000101-000001-0000000";
        Files.createDirectories(store.dir(from).resolve(ReleaseStore.APP_DIR));
        Files.writeString(store.dir(from).resolve(ReleaseStore.APP_DIR).resolve("warm-up.txt"), "warm-up\n");
        Map<String, String> env = Map.of("WARM_UP", "1");
        store.linkFrom(from, to, env);
        store.readEnv(to);
        store.writeRecord(live.get()); // under its own id, in the scratch store
        store.switchCurrent(to);
        store.list();
        store.artifactBytes(to);
        EnvFile.hash(env);
    }

    /** The app with the newest journal. */
    private static Optional<String> lastDeployed(Sortie sortie) throws IOException {
        Path apps = sortie.home().appsDir();
        if (!Files.isDirectory(apps)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(apps)) {
            return dirs.filter(d -> Files.isDirectory(d.resolve("deploys")))
                    .max(Comparator.comparingLong(d -> modified(d.resolve("deploys"))))
                    .map(d -> d.getFileName().toString());
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /**
     * The health check's HTTP client and the switch's probe, against a throwaway HTTP server of our
     * own on loopback, so no request reaches an app or nginx's logs.
     */
    private static void http() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread answering = Thread.ofVirtual().start(() -> answer(server));
            HttpWait.forPath("/").withTimeout(Duration.ofSeconds(2)).waitUntilReady(server.getLocalPort(), () -> "warm-up");
            ReleaseProbe.releaseHeader("127.0.0.1", server.getLocalPort(), "warm-up.localhost", "/");
            server.close();
            answering.join(2000);
        }
    }

    /** Answers every request with an empty 200 that names a release, until the socket closes. */
    private static void answer(ServerSocket server) {
        byte[] response = ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n" + ReleaseProbe.HEADER + ": warm-up\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(2000);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    // the request's head; there is no body
                }
                OutputStream out = socket.getOutputStream();
                out.write(response);
                out.flush();
            } catch (IOException e) {
                // closed, or a client that went away: either way the next accept decides
            }
        }
    }
}
