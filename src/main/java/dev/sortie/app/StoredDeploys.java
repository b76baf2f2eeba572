package dev.sortie.app;

import dev.sortie.config.AppSettings;
import dev.sortie.deploy.DeployQueue;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.SupervisorClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deploys of a release that is already built: a rollback to an earlier release, a restart of the live one,
 * and starting or stopping an app. Like pushes, they are queued with the daemon and journalled; they run
 * {@code upgrade_service}, {@code configure_nginx} and {@code run_bots} on a new release made of the stored
 * release's files.
 */
public final class StoredDeploys {

    private final Sortie sortie;
    private final Deploys deploys;

    public StoredDeploys(Sortie sortie) {
        this.sortie = sortie;
        this.deploys = new Deploys(sortie);
    }

    /** The release asked for cannot be deployed again; the message lists those that can. */
    public static final class NotDeployable extends IOException {
        NotDeployable(String message) {
            super(message);
        }
    }

    /**
     * Queues a rollback to {@code target} (a release id or a unique prefix of one), or to the release that was
     * live before the current one when {@code target} is null.
     *
     * @return the deploy id to follow
     */
    public String rollback(String app, String target, String by) throws IOException {
        deploys.requireApp(app);
        ReleaseStore store = sortie.releases(app);
        List<ReleaseRecord> records = store.history(); // pruned ones too, so asking for one says it was pruned
        Optional<String> current = store.currentId();
        List<ReleaseRecord> candidates = rollbackTargets(store.list(), current.orElse(null), store);
        ReleaseRecord chosen;
        if (target == null) {
            chosen = candidates.stream().findFirst().orElseThrow(() -> new NotDeployable("no earlier release of " + app
                    + " to roll back to" + listing(app, candidates)));
        } else {
            List<ReleaseRecord> named = records.stream().filter(r -> r.id().startsWith(target)).toList();
            if (named.isEmpty()) {
                throw new NotDeployable("no release " + target + " of " + app + listing(app, candidates));
            }
            if (named.size() > 1) {
                throw new NotDeployable(target + " names " + named.size() + " releases of " + app + " ("
                        + String.join(", ", named.stream().map(ReleaseRecord::id).toList()) + "): give more of the id");
            }
            chosen = named.getFirst();
            if (!chosen.isLive()) {
                throw new NotDeployable("release " + chosen.id() + " failed (" + (chosen.failedStep() == null ? "before its first step"
                        : "at " + chosen.failedStep()) + "), so it cannot be rolled back to" + listing(app, candidates));
            }
            if (!Files.isDirectory(store.dir(chosen.id()).resolve(ReleaseStore.APP_DIR))) {
                throw new NotDeployable("release " + chosen.id() + " was pruned: its files are gone" + listing(app, candidates));
            }
            if (current.isPresent() && current.get().equals(chosen.id())) {
                throw new NotDeployable("release " + chosen.id() + " is live already" + listing(app, candidates));
            }
        }
        return queue(app, DeployQueue.ROLLBACK, chosen.id(), by);
    }

    /**
     * The releases a rollback can go to, the default first: every release that went live, still has its files
     * and is not the current one, newest first by when it went live.
     */
    static List<ReleaseRecord> rollbackTargets(List<ReleaseRecord> records, String current, ReleaseStore store) {
        Optional<ReleaseRecord> live = records.stream().filter(r -> r.id().equals(current)).findFirst();
        return records.stream()
                .filter(ReleaseRecord::isLive)
                .filter(r -> !r.id().equals(current))
                .filter(r -> live.isEmpty() || !sameCodeAndConfig(r, live.get())) // a restart's previous release is the same one
                .filter(r -> Files.isDirectory(store.dir(r.id()).resolve(ReleaseStore.APP_DIR)))
                .sorted(Comparator.comparing(ReleaseRecord::finishedAt, Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
    }

    /** Whether two releases run the same build with the same config: going back from one to the other changes nothing. */
    static boolean sameCodeAndConfig(ReleaseRecord a, ReleaseRecord b) {
        return build(a).equals(build(b)) && a.configHash() != null && a.configHash().equals(b.configHash());
    }

    /** The release whose files a release runs: itself for a build. */
    private static String build(ReleaseRecord r) {
        return r.source() == null ? r.id() : r.source();
    }

    private static String listing(String app, List<ReleaseRecord> candidates) {
        if (candidates.isEmpty()) {
            return "; there is no release to roll back to (see: sortie releases " + app + ")";
        }
        StringBuilder sb = new StringBuilder("; releases you can roll back to:");
        for (ReleaseRecord r : candidates.stream().limit(10).toList()) {
            sb.append("\n  ").append(r.id()).append("  ").append(r.commit(), 0, 7).append("  ").append(r.kind());
        }
        if (candidates.size() > 10) {
            sb.append("\n  ... and ").append(candidates.size() - 10).append(" more (sortie releases ").append(app).append(')');
        }
        return sb.toString();
    }

    /** Queues a fleet host's part: the release {@code shipped} that the primary shipped here, through the last three steps. */
    public String fleet(String app, String shipped, String by) throws IOException {
        deploys.requireApp(app);
        return queue(app, DeployQueue.FLEET, shipped, by);
    }

    /** Queues a restart: a new instance of the live release, switched to and the old one drained. */
    public String restart(String app, String by) throws IOException {
        return queue(app, DeployQueue.RESTART, live(app, "restart").id(), by);
    }

    /**
     * Runs {@code count} instances of the app from now on (over sortie.yml's {@code instances:}) and queues a
     * restart that brings them up: new instances, health-checked, switched to, the old ones drained.
     */
    public String scale(String app, int count, String by) throws IOException {
        ReleaseRecord live = live(app, "scale");
        Path file = sortie.home().appSettings(app);
        AppSettings.load(file).with("instances", Integer.toString(count)).save(file);
        return queue(app, DeployQueue.RESTART, live.id(), by);
    }

    /** Queues a deploy of the live release's files with the app's config as it is now ({@code sortie config set}). */
    public String reconfigure(String app, String by) throws IOException {
        return queue(app, DeployQueue.CONFIG, live(app, "deploy a config change to").id(), by);
    }

    /** The live release, or a clear error naming what to do first. */
    ReleaseRecord live(String app, String doing) throws IOException {
        deploys.requireApp(app);
        return sortie.releases(app).currentRecord().orElseThrow(() -> new NotDeployable("no release of " + app
                + " is live yet, so there is nothing to " + doing + ": push one first (git push)"));
    }

    private String queue(String app, String kind, String source, String by) throws IOException {
        SupervisorClient daemon = DaemonProcess.ensureRunning(sortie);
        Map<?, ?> result = daemon.call("stored", new Daemon.StoredArgs(app, kind, source, by), Map.class);
        return (String) result.get("id");
    }

    /** Starts a stopped app's live release again (a restart, which also clears the stopped mark when it goes live). */
    public String start(String app, String by) throws IOException {
        return queue(app, DeployQueue.RESTART, live(app, "start").id(), by);
    }

    /** Whether the app was stopped with {@code sortie stop} (and not started or deployed since). */
    public boolean stopped(String app) {
        return Files.exists(AppPower.marker(sortie, app));
    }

    /** Stops serving an app: its site goes, its instances drain and stop; it stays stopped until {@code start} or a deploy. */
    public String stop(String app, String by) throws IOException {
        deploys.requireApp(app);
        SupervisorClient daemon = DaemonProcess.ensureRunning(sortie);
        Map<?, ?> result = daemon.call("stop_app", new Daemon.StopArgs(app, by), Map.class);
        return (String) result.get("message");
    }
}
