package dev.sortie.app;

import dev.sortie.deploy.DeployQueue;
import java.util.Optional;
import java.util.ArrayList;
import dev.sortie.service.RunAs;
import dev.sortie.exec.Executables;
import dev.sortie.deploy.AppUsers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploy workers as processes: {@code sortie deploy-worker}, which waits on its standard input for
 * the journal of the deploy to run. One spare is kept started, so a push does not wait for a JVM
 * to boot; a worker's own output (a crash, say) goes to {@code run/workers.log}.
 *
 * <p>A spare is also told to warm up ({@link Worker#WARM_UP}), but only while no deploy it started
 * runs, or once that one has run for {@link #WARM_UP_AFTER} (a long build): warming up takes a
 * second or so of CPU, which a running deploy on a small machine would otherwise lose.
 */
final class WorkerProcesses implements DeployQueue.Workers, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcesses.class);
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss1m");

    /** When a spare warms up at the latest while the deploy that took the previous one still runs. */
    static final Duration WARM_UP_AFTER = Duration.ofSeconds(10);

    private final Sortie sortie;
    private Process spare;
    private boolean closed;

    WorkerProcesses(Sortie sortie) {
        this.sortie = sortie;
    }

    /** Starts the first spare and has it warm up, so the first push does not wait for it either. */
    synchronized void warm() {
        startSpare();
        warmUpSpare();
    }

    private synchronized void startSpare() {
        if (closed || spare != null && spare.isAlive()) {
            return;
        }
        try {
            spare = launch();
        } catch (IOException e) {
            LOG.warn("could not start a spare deploy worker: {}", e.getMessage());
        }
    }

    private synchronized void warmUpSpare() {
        if (closed || spare == null || !spare.isAlive()) {
            return;
        }
        try {
            OutputStream in = spare.getOutputStream();
            in.write((Worker.WARM_UP + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            LOG.debug("could not ask the spare deploy worker to warm up: {}", e.getMessage());
        }
    }

    @Override
    public synchronized DeployQueue.Worker take(String app) throws IOException {
        Optional<RunAs> user = new AppUsers(sortie.home(), sortie.server()).ensure(app);
        if (user.isPresent()) {
            // the app's own user runs its worker (its hooks, builds and smoke bots): no spare, since a spare's user is not known ahead
            return new ProcessWorker(launch(user.get(), app));
        }
        Process p = spare != null && spare.isAlive() ? spare : launch();
        spare = null;
        Thread.ofVirtual().start(this::startSpare);
        CompletableFuture.anyOf(p.onExit(), CompletableFuture.runAsync(() -> { },
                        CompletableFuture.delayedExecutor(WARM_UP_AFTER.toMillis(), TimeUnit.MILLISECONDS)))
                .thenRunAsync(this::warmUpSpare, Thread::startVirtualThread);
        return new ProcessWorker(p);
    }

    private Process launch() throws IOException {
        return launch(null, null);
    }

    /**
     * A worker process; with {@code user}, one that runs as the app's user, reaching the daemon on the app socket
     * (where it may act on its app only), with the app's own HOME.
     */
    private Process launch(RunAs user, String app) throws IOException {
        List<String> argv = new ArrayList<>(sortie.command(
                Stream.concat(JVM_OPTIONS.stream(), ClassDataArchives.options("worker").stream()).toList(), "deploy-worker"));
        if (user != null) {
            List<String> prefix = new ArrayList<>(user.prefix());
            prefix.set(0, Executables.resolve(prefix.getFirst(), "/usr/bin:/bin:/usr/sbin:/sbin", sortie.home().root()).toString());
            argv.addAll(0, prefix);
        }
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(sortie.home().runDir().resolve("workers.log").toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        pb.environment().put("SORTIE_HOME", sortie.home().root().toString());
        if (user != null) {
            pb.environment().put(Sortie.APP_SOCKET_VAR, sortie.home().appSocket().toString());
            pb.environment().put("HOME", sortie.home().appHome(app).toString());
            pb.environment().put("USER", user.user());
            pb.environment().put("LOGNAME", user.user());
        }
        return pb.start();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (spare != null) {
            spare.destroy();
        }
    }

    private record ProcessWorker(Process process) implements DeployQueue.Worker {
        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public void go(Path journal) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((journal + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            in.close();
        }

        @Override
        public int waitFor() throws InterruptedException {
            return process.waitFor();
        }

        @Override
        public void kill() {
            // its builds first: a killed worker must not leave a mvn running
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

}
