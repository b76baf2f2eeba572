package dev.sortie.deploy;

import dev.sortie.config.AppSettings;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.release.ReleasePruner;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStatuses;
import dev.sortie.release.ReleaseStore;
import dev.sortie.release.Retention;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.ServiceBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Applies {@code keep_releases} to one app: gathers what retention needs to know (records, current,
 * the rollback target, the releases an instance runs from, deploys still under way), plans with
 * {@link Retention} and prunes with {@link ReleasePruner}. The caller holds the app's deploy lock.
 */
public final class ReleaseRetention {

    private final SortieHome home;
    private final ServerConfig server;

    public ReleaseRetention(SortieHome home, ServerConfig server) {
        this.home = home;
        this.server = server;
    }

    /** The app's {@code keep_releases}: its own setting ({@code sortie apps set}), else the server's. */
    public int keepFor(String app) {
        Integer own = AppSettings.load(home.appSettings(app)).keepReleases();
        return own != null ? own : server.keepReleases();
    }

    /**
     * Prunes {@code app}'s releases.
     *
     * @param keep    how many live-once releases to keep; empty: the app's {@code keep_releases}
     * @param running releases of the app an instance runs from, in any state: never pruned
     */
    public ReleasePruner.Pruned prune(String app, Optional<Integer> keep, Set<String> running, boolean dryRun) throws IOException {
        ReleaseStore store = new ReleaseStore(home.releasesDir(app), home.current(app));
        var records = store.list();
        Set<String> pruned = store.tombstones().stream().map(ReleaseRecord::id).collect(Collectors.toCollection(HashSet::new));
        records.stream().filter(ReleaseRecord::isLive).filter(r -> !store.hasArtifact(r.id())).forEach(r -> pruned.add(r.id()));
        Optional<String> current = store.currentId();
        // instances are named <release>~k past the first; a standby taken over by a rollback runs from its source's dir
        Set<String> protect = running.stream().map(InstanceInfo::releaseOf).collect(Collectors.toCollection(HashSet::new));
        // the chain: a standby taken over twice still runs from its first release's dir
        Map<String, String> sourceOf = new HashMap<>();
        records.stream().filter(r -> r.source() != null).forEach(r -> sourceOf.put(r.id(), r.source()));
        for (String id : List.copyOf(protect)) {
            for (String s = sourceOf.get(id); s != null && protect.add(s); s = sourceOf.get(s)) {
                // each source of a running release, back to the one its files were built in
            }
        }
        var unrecorded = store.unrecorded();
        unrecorded.stream().filter(id -> !finished(app, id)).forEach(protect::add);
        Retention.Plan plan = Retention.plan(records, unrecorded, current, ReleaseStatuses.previous(records, current, pruned), protect,
                keep.orElseGet(() -> keepFor(app)), Retention.FAILED_KEPT);
        return new ReleasePruner(store, home.logsDir(app), home.appDir(app).resolve("hooks-cache"), home.deploysDir(app))
                .apply(plan, id -> finished(app, id), dryRun);
    }

    /**
     * Retention after a deploy went live: what the supervisor runs is never pruned, and a failure is a
     * warning on the deploy's output, never a failed deploy (the release is live by now).
     */
    public void afterLive(String app, ServiceBackend backend, Consumer<DeployEvent> events) {
        try {
            Set<String> running = backend.list().stream().filter(i -> i.app().equals(app)).map(InstanceInfo::release)
                    .collect(Collectors.toSet());
            ReleasePruner.Pruned done = prune(app, Optional.empty(), running, false);
            int releases = done.of(ReleasePruner.What.RELEASE).size();
            if (releases > 0) {
                events.accept(new DeployEvent.Notice("pruned " + releases + " old release" + (releases == 1 ? "" : "s") + " (keep_releases "
                        + keepFor(app) + "), freed " + done.bytes() / (1024 * 1024) + " MB"));
            }
        } catch (IOException | RuntimeException e) {
            events.accept(new DeployEvent.Notice("warning: could not prune old releases of " + app + ": " + e.getMessage()
                    + " (the deploy is live; try: sortie releases prune " + app + ")"));
        }
    }

    /** Whether the deploy's journal says it ended; a journal that is missing counts as ended, one unreadable as not. */
    private boolean finished(String app, String id) {
        Path journal = home.journal(app, id);
        if (!Files.exists(journal)) {
            return true;
        }
        try {
            return DeployState.of(Journal.read(journal)).map(DeployState::finished).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
