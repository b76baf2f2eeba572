package dev.sortie.app;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ConfigException;
import dev.sortie.deploy.DeployQueue;
import dev.sortie.deploy.DeployState;
import dev.sortie.deploy.DeployWorker;
import dev.sortie.deploy.Journal;
import dev.sortie.git.AppRepository;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.service.SupervisorClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Deploys as their users ask for them: a push or {@code sortie deploy} hands the deploy to the
 * daemon's queue and follows its journal; {@code sortie deploys} lists and cancels. The branch rule
 * lives here too, so the git hook and the CLI decide alike.
 */
public final class Deploys {

    /** How long a follower waits for the unit's daemon to come back after systemd stopped it (a restart takes seconds). */
    private static final long SYSTEMD_RESTART_NANOS = 30_000_000_000L;

    private final Sortie sortie;

    public Deploys(Sortie sortie) {
        this.sortie = sortie;
    }

    /** No app of that name exists. */
    public static final class NoSuchApp extends IOException {
        NoSuchApp(String message) {
            super(message);
        }
    }

    public AppRepository requireApp(String app) throws NoSuchApp {
        if (!Files.isDirectory(sortie.home().repo(app))) {
            throw new NoSuchApp("no app named " + app + " in " + sortie.home().root() + " (create it: sortie apps create " + app + ")");
        }
        return sortie.repo(app);
    }

    /**
     * Which branch deploys: the one the live release's sortie.yml names, so a feature branch cannot
     * promote itself by changing {@code branch:}. Before the first release, the pushed sortie.yml's
     * (default main); a pushed sortie.yml that does not parse counts as the default.
     */
    public String deployBranch(String app, String pushedCommit) throws IOException {
        return deployBranch(app, pushedCommit, List.of());
    }

    /** As {@link #deployBranch(String, String)}, reading the pushed commit from {@code extraObjects} too (git's quarantine). */
    public String deployBranch(String app, String pushedCommit, List<Path> extraObjects) throws IOException {
        requireApp(app);
        AppRepository repo = new AppRepository(sortie.home().repo(app), extraObjects);
        Optional<ReleaseRecord> live = sortie.releases(app).currentRecord();
        if (live.isPresent()) {
            try {
                return DeployWorker.configAt(repo, live.get().commit()).branch();
            } catch (ConfigException | IOException e) {
                return live.get().branch();
            }
        }
        try {
            return DeployWorker.configAt(repo, pushedCommit).branch();
        } catch (ConfigException e) {
            return AppConfig.defaults().branch();
        }
    }

    /** What the daemon makes of a pushed ref: the commit and branch to deploy, or why nothing deploys. */
    public record PushDecision(String commit, String branch, String skipped) {
    }

    /**
     * The branch rule for a pushed ref, in the daemon (which has JGit and the configs loaded already,
     * so the git hook does not): a deleted branch or one that is not the deploy branch deploys nothing.
     *
     * @param commit the pushed commit when the hook knows it (pre-receive), else null: the ref is resolved
     * @param gate   a gated push's quarantine, to read the pushed commit from; null otherwise
     */
    public PushDecision decide(String app, String ref, String commit, DeployEvent.Gate gate) throws IOException {
        requireApp(app);
        if (ref == null || !ref.startsWith("refs/heads/")) {
            return new PushDecision(null, null, "pushed " + ref + "; only branches deploy, so nothing was deployed.");
        }
        String branch = ref.substring("refs/heads/".length());
        List<Path> objects = gate == null || gate.objects() == null ? List.of() : List.of(Path.of(gate.objects()));
        String resolved = commit != null ? commit : sortie.repo(app).resolve(ref).orElse(null);
        if (resolved == null) {
            return new PushDecision(null, branch, branch + " was deleted; nothing to deploy.");
        }
        String deployBranch = deployBranch(app, resolved, objects);
        if (!branch.equals(deployBranch)) {
            return new PushDecision(resolved, branch, "pushed " + branch + "; only " + deployBranch + " deploys, so nothing was deployed.");
        }
        return new PushDecision(resolved, branch, null);
    }

    /**
     * Hands a pushed ref to the daemon, which applies the branch rule and queues the deploy.
     *
     * @return the deploy id, or empty with {@code skipped} told why nothing deploys
     */
    public Optional<String> push(String app, String ref, String commit, String by, DeployEvent.Gate gate, Consumer<String> skipped)
            throws IOException {
        requireApp(app);
        SupervisorClient daemon = DaemonProcess.ensureRunning(sortie);
        Map<?, ?> result = daemon.call("push", new Daemon.PushArgs(app, ref, commit, by, gate), Map.class);
        if (result.get("skipped") instanceof String why) {
            skipped.accept(why);
            return Optional.empty();
        }
        return Optional.of((String) result.get("id"));
    }

    /** {@code sortie deploy}: queues a deploy of a resolved commit with the daemon (starting it if needed); returns its id. */
    public String deploy(String app, String commit, String branch, String by) throws IOException {
        requireApp(app);
        SupervisorClient daemon = DaemonProcess.ensureRunning(sortie);
        Map<?, ?> result = daemon.call("deploy", new Daemon.DeployArgs(app, commit, branch, by), Map.class);
        return (String) result.get("id");
    }

    /**
     * Follows a deploy's journal from its first line, handing each event to {@code events}, until the
     * deploy ends; returns the event that ended it. If the daemon goes away meanwhile, it is started
     * again, which ends the deploy from its journal.
     */
    public DeployEvent follow(String app, String deployId, Consumer<DeployEvent> events) throws IOException, InterruptedException {
        Path file = sortie.home().journal(app, deployId);
        if (!Files.exists(file)) {
            throw new IOException("no deploy " + deployId + " of " + app + " (see: sortie deploys " + app + ")");
        }
        Journal.Follower follower = new Journal.Follower(file);
        long lastDaemonCheck = System.nanoTime();
        long downSince = 0;
        while (true) {
            for (Journal.Line line : follower.poll()) {
                events.accept(line.event());
                if (line.event().terminal()) {
                    return line.event();
                }
            }
            if (System.nanoTime() - lastDaemonCheck > 2_000_000_000L) {
                lastDaemonCheck = System.nanoTime();
                if (sortie.daemon().isRunning()) {
                    downSince = 0;
                } else if (DaemonProcess.stoppedBySystemd(sortie.home()) && (downSince == 0 || System.nanoTime() - downSince < SYSTEMD_RESTART_NANOS)) {
                    // systemctl restart sortie, or the unit's Restart=: the unit's next daemon ends the deploy
                    downSince = downSince == 0 ? System.nanoTime() : downSince;
                } else {
                    var stopped = DaemonProcess.stoppedBecause(sortie.home());
                    if (stopped.isPresent()) {
                        throw new IOException("the sortie server was " + stopped.get() + " before deploy " + deployId
                                + " ended; it ends it when it starts again: " + DaemonProcess.startHint(sortie) + ", then sortie logs "
                                + app + " --deploy " + deployId + " -f");
                    }
                    DaemonProcess.ensureRunning(sortie); // it died: starting it again ends the deploy from its journal
                }
            }
            Thread.sleep(15);
        }
    }

    /** The deploy's state as its journal tells it, if there is such a deploy. */
    public Optional<DeployState> state(String app, String deployId) throws IOException {
        return DeployState.of(Journal.read(sortie.home().journal(app, deployId)));
    }

    /**
     * The newest deploys (of one app, or all when {@code app} is null), read from their journals: the
     * same files the daemon reads, so listing needs no daemon and starts none (a daemon started to list
     * would bring back every app instance after {@code sortie server stop}, without nginx).
     */
    public List<DeployState> list(String app, int limit) throws IOException {
        return DeployQueue.list(sortie.home(), app, limit);
    }

    /** Whether the sortie server (which runs the queued deploys and ends unfinished ones) is up. */
    public boolean serverRunning() {
        return sortie.daemon().isRunning();
    }

    /** Cancels a queued or running deploy (an id, or an app's current one); returns what the daemon did. */
    public String cancel(String target, String by) throws IOException {
        SupervisorClient daemon = DaemonProcess.ensureRunning(sortie);
        Map<?, ?> result = daemon.call("cancel", new Daemon.CancelArgs(target, by), Map.class);
        return (String) result.get("message");
    }

    /** The id of the newest deploy of an app (the last queued), if any. */
    public Optional<String> latest(String app) throws IOException {
        Path dir = sortie.home().deploysDir(app);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (var files = Files.list(dir)) {
            List<Path> journals = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList();
            return DeployQueue.newest(journals, 1).stream().map(DeployState::deployId).findFirst();
        }
    }
}
