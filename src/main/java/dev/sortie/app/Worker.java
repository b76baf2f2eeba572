package dev.sortie.app;

import dev.sortie.deploy.DeployWorker;
import dev.sortie.service.SupervisorClient;
import dev.sortie.steps.RemoteSites;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The deploy worker process ({@code sortie deploy-worker}): started by the daemon ahead of need,
 * it waits for the journal of its deploy on standard input, runs it, and exits. A line
 * {@value #WARM_UP} before it asks the worker to warm up meanwhile ({@link WorkerWarmUp}), so the
 * deploy does not pay for a cold JVM; the daemon sends it when no other deploy needs the CPU. If
 * the daemon dies, the worker stops at once: the next daemon ends the deploy from its journal.
 */
public final class Worker {

    /** Exit codes the daemon reads. */
    public static final int LIVE = 0;
    public static final int ABORTED = 1;
    public static final int NO_WORK = 2;
    public static final int ORPHANED = 3;

    /** The line that asks a waiting worker to warm up. */
    static final String WARM_UP = "warm-up";

    private Worker() {
    }

    /** The daemon died: stop at once, and take the builds and hook commands this worker started along. */
    private static void orphaned() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        Runtime.getRuntime().halt(ORPHANED);
    }

    public static int run(Sortie sortie) throws IOException {
        ProcessHandle.current().parent().ifPresent(daemon -> daemon.onExit().thenRun(Worker::orphaned));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        AtomicBoolean work = new AtomicBoolean();
        String line;
        boolean warming = false;
        while ((line = in.readLine()) != null && line.equals(WARM_UP)) {
            if (!warming) {
                warming = true;
                Thread.ofPlatform().daemon().name("sortie-warm-up").start(() -> WorkerWarmUp.run(sortie, work::get));
            }
        }
        work.set(true); // a warm-up stops at its next part; the deploy does not wait for it
        if (line == null || line.isBlank()) {
            return NO_WORK; // the daemon went away before it had work for us
        }
        SupervisorClient daemon = sortie.daemon();
        RemoteSites remote = System.getenv(Sortie.APP_SOCKET_VAR) == null ? null
                : request -> (String) daemon.call("switch_site", request, Map.class).get("summary");
        DeployWorker worker = new DeployWorker(sortie.home(), sortie.server(), daemon, sortie.sites(), sortie.jdkHome(), sortie::url, remote);
        return switch (worker.run(Path.of(line.strip()))) {
            case LIVE -> LIVE;
            case ABORTED -> ABORTED;
        };
    }
}
