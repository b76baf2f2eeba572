package dev.sortie.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sortie.deploy.ReleaseRetention;
import dev.sortie.pipeline.DeployLock;
import dev.sortie.release.ReleasePruner;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStatus;
import dev.sortie.release.ReleaseStatuses;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.SupervisorClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * An app's releases as people ask about them: each with its computed status, one in detail, and
 * pruning by hand. Listing never starts the daemon: when it is down, no instance is known to run.
 */
public final class Releases {

    /**
     * One release and what it is now.
     *
     * @param rollbackTarget whether {@code sortie rollback} with no release goes back to it
     * @param hasArtifact    whether its {@code app/} dir is still there
     */
    public record Release(ReleaseRecord record, ReleaseStatus status, boolean rollbackTarget, boolean hasArtifact) {
    }

    /**
     * @param releases       newest first, tombstones of pruned releases included
     * @param instancesKnown false when the daemon is down: then no release shows as standby
     */
    public record Listing(List<Release> releases, boolean instancesKnown) {
    }

    private final Sortie sortie;

    public Releases(Sortie sortie) {
        this.sortie = sortie;
    }

    public Listing list(String app) throws IOException {
        ReleaseStore store = sortie.releases(app);
        SupervisorClient daemon = sortie.daemon();
        boolean known = daemon.isRunning();
        Set<String> running = known ? releasesOf(app, daemon.list()) : Set.of();
        List<ReleaseRecord> history = store.history();
        Set<String> tombstoned = store.tombstones().stream().map(ReleaseRecord::id).collect(Collectors.toSet());
        Set<String> pruned = new HashSet<>();
        Set<String> withArtifact = new HashSet<>();
        for (ReleaseRecord r : history) {
            boolean onDisk = !tombstoned.contains(r.id()) || store.read(r.id()).isPresent();
            if (onDisk && store.hasArtifact(r.id())) {
                withArtifact.add(r.id());
            } else if (!onDisk || r.isLive()) {
                pruned.add(r.id());
            }
        }
        Optional<String> current = store.currentId();
        Map<String, ReleaseStatus> statuses = ReleaseStatuses.of(history, current, running, pruned);
        Optional<String> target = ReleaseStatuses.previous(history, current, pruned);
        return new Listing(history.stream()
                .map(r -> new Release(r, statuses.get(r.id()), target.equals(Optional.of(r.id())), withArtifact.contains(r.id())))
                .toList(), known);
    }

    /** One release, by its id or a unique prefix of it. */
    public Optional<Release> show(String app, String id) throws IOException {
        List<Release> matches = list(app).releases().stream().filter(r -> r.record().id().startsWith(id)).toList();
        return matches.stream().filter(r -> r.record().id().equals(id)).findFirst()
                .or(() -> matches.size() == 1 ? Optional.of(matches.getFirst()) : Optional.empty());
    }

    /**
     * Prunes by hand, holding the app's deploy lock (so no deploy runs meanwhile).
     *
     * @param keep    how many live-once releases to keep; empty: the app's {@code keep_releases}
     * @param waiting told who holds the lock, while it waits for it
     */
    public ReleasePruner.Pruned prune(String app, OptionalInt keep, boolean dryRun, Consumer<String> waiting) throws IOException {
        try (DeployLock lock = DeployLock.acquire(sortie.home().deployLock(app), "sortie releases prune " + app, waiting)) {
            return retention().prune(app, keep.isPresent() ? Optional.of(keep.getAsInt()) : Optional.empty(), running(app), dryRun);
        }
    }

    /** {@code keep_releases} applied to {@code app}, under its deploy lock; a deploy worker applies it itself as it goes live. */
    public ReleasePruner.Pruned applyRetention(String app) throws IOException {
        return prune(app, OptionalInt.empty(), false, who -> { });
    }

    public int keepFor(String app) {
        return retention().keepFor(app);
    }

    private ReleaseRetention retention() {
        return new ReleaseRetention(sortie.home(), sortie.server());
    }

    /**
     * The releases of {@code app} an instance may run from: the daemon's list, or with the daemon down its
     * durable instance table (instances it left running are still running), so nothing is pulled from under one.
     */
    private Set<String> running(String app) throws IOException {
        SupervisorClient daemon = sortie.daemon();
        if (daemon.isRunning()) {
            return releasesOf(app, daemon.list());
        }
        Path table = sortie.home().runDir().resolve("instances.json");
        Set<String> out = new HashSet<>();
        if (Files.exists(table)) {
            for (JsonNode instance : new ObjectMapper().readTree(table.toFile())) {
                JsonNode spec = instance.path("spec");
                if (app.equals(spec.path("app").asText())) {
                    out.add(spec.path("release").asText());
                }
            }
        }
        return out;
    }

    private static Set<String> releasesOf(String app, List<InstanceInfo> instances) {
        return instances.stream().filter(i -> i.app().equals(app)).map(InstanceInfo::release).collect(Collectors.toSet());
    }
}
