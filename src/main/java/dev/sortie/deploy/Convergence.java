package dev.sortie.deploy;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ConfigException;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.git.AppRepository;
import dev.sortie.nginx.SiteOptions;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.DeployLock;
import dev.sortie.pipeline.StepId;
import dev.sortie.release.EnvFile;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.ServiceBackend;
import dev.sortie.steps.DirTree;
import dev.sortie.tls.Certificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a deploy whose worker is gone, in the daemon: observes the world, asks the {@link Reconciler}
 * what to do, does it, and journals the outcome. Undo moves traffic back first, then drains the new
 * instance as long as the forward switch drains the old one.
 */
public final class Convergence {

    private static final Logger LOG = LoggerFactory.getLogger(Convergence.class);
    private static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(15);

    private final SortieHome home;
    private final ServerConfig server;
    private final ServiceBackend backend;
    private final SiteSwitch sites;
    private final BiFunction<String, AppConfig, String> url;

    public Convergence(SortieHome home, ServerConfig server, ServiceBackend backend, SiteSwitch sites, BiFunction<String, AppConfig, String> url) {
        this.home = home;
        this.server = server;
        this.backend = backend;
        this.sites = sites;
        this.url = url;
    }

    /** What the daemon sees of a deploy's app right now. */
    Reconciler.World observe(DeployState deploy) throws IOException {
        String app = deploy.app();
        ReleaseStore store = store(app);
        Set<String> instances = backend.list().stream()
                .filter(i -> i.app().equals(app) && !InstanceInfo.STOPPING.equals(i.state()))
                .map(InstanceInfo::release)
                .collect(Collectors.toSet());
        return new Reconciler.World(siteRelease(app), store.currentId(), instances,
                Files.exists(store.dir(deploy.deployId()).resolve(ReleaseStore.RECORD)), Files.exists(store.staging(deploy.deployId())));
    }

    /** The release the app's nginx site names, if it has one. */
    Optional<String> siteRelease(String app) throws IOException {
        return sites.servedRelease(app);
    }

    /**
     * Reconciles one deploy from its journal; nothing happens when it already ended.
     *
     * @param death why its worker is gone (see {@link Reconciler#plan}); null when it recorded its own failure
     */
    public void reconcile(Path journalFile, String death) throws IOException {
        Optional<DeployState> read = DeployState.of(Journal.read(journalFile));
        if (read.isEmpty() || read.get().finished()) {
            return;
        }
        DeployState deploy = read.get();
        try (DeployLock lock = DeployLock.acquire(home.deployLock(deploy.app()), "reconcile of " + deploy.deployId(), who -> { });
                Journal journal = Journal.open(journalFile)) {
            List<Reconciler.Action> plan = Reconciler.plan(deploy, observe(deploy), death);
            LOG.info("reconciling {} {}: {}", deploy.app(), deploy.deployId(), plan);
            execute(deploy, plan, journal);
        }
    }

    private void execute(DeployState deploy, List<Reconciler.Action> plan, Journal journal) throws IOException {
        String app = deploy.app();
        ReleaseStore store = store(app);
        List<String> problems = new ArrayList<>();
        boolean restored = false;
        boolean retired = false;
        boolean trafficBack = true; // false once moving traffic back was tried and failed
        String serving = deploy.previousRelease();
        for (Reconciler.Action action : plan) {
            try {
                switch (action) {
                    case Reconciler.Action.RestoreSite r -> {
                        trafficBack = false;
                        restoreSite(deploy, r);
                        trafficBack = true;
                        restored = true;
                    }
                    case Reconciler.Action.RetireInstance r -> {
                        if (r.drain() && !trafficBack) {
                            // nginx may still send every request to it: stopping it would turn a failed undo into an outage
                            problems.add("kept the new instance " + r.release() + " running, as traffic could not be moved back"
                                    + " (the next deploy that goes live retires it)");
                            continue;
                        }
                        backend.retire(app, r.release(), r.drain() ? server.drain() : Duration.ZERO, server.stopTimeout());
                        retired = true;
                    }
                    case Reconciler.Action.RemoveStaging r -> DirTree.delete(store.staging(deploy.deployId()));
                    case Reconciler.Action.RecordFailure r -> store.writeRecord(record(store, deploy, ReleaseRecord.FAILED,
                            r.step() == null ? null : r.step().id(), r.reason()));
                    case Reconciler.Action.RecordLive r -> store.writeRecord(record(store, deploy, ReleaseRecord.LIVE, null, null));
                    case Reconciler.Action.SwitchCurrent r -> {
                        store.switchCurrent(deploy.deployId());
                        Files.deleteIfExists(home.appDir(app).resolve("stopped")); // as the worker does: a live release serves
                    }
                    case Reconciler.Action.RetireOthers r -> DeployWorker.retireOthers(app, deploy.deployId(), server, backend, journal);
                    case Reconciler.Action.FinishLive r -> journal.appendDurably(new DeployEvent.Live(app, deploy.deployId(), liveUrl(deploy)));
                    case Reconciler.Action.FinishFailed f -> {
                        if (restored || retired || !problems.isEmpty()) {
                            journal.appendDurably(new DeployEvent.Reverted(serving, restored, retired,
                                    deploy.switching() != null ? server.drain() : Duration.ZERO, problems));
                        }
                        journal.appendDurably(new DeployEvent.Failed(app, f.step(), f.reason(), f.previousRelease(), problems.isEmpty()));
                    }
                    case Reconciler.Action.RepointSite r -> throw new IllegalStateException("a deploy's plan never repoints: " + r);
                }
            } catch (IOException | SiteSwitch.SwitchFailed | RuntimeException e) {
                LOG.warn("reconcile of {} {}: {} failed", app, deploy.deployId(), action, e);
                problems.add("could not " + describe(action) + ": " + e.getMessage());
            }
        }
    }

    /** Puts the previous site back and waits until nginx answers from the previous release (or, with no site, from none). */
    private void restoreSite(DeployState deploy, Reconciler.Action.RestoreSite r) throws IOException, SiteSwitch.SwitchFailed {
        AppConfig config;
        try {
            config = DeployWorker.configAt(DeployWorker.repoFor(home, deploy), deploy.commit());
        } catch (ConfigException | IOException e) {
            config = AppConfig.defaults(); // a rejected push's objects may already be gone from git's quarantine
        }
        String host = config.domainsFor(deploy.app()).getFirst();
        try {
            sites.restoreAndConfirm(deploy.app(), Optional.ofNullable(r.previousSite()), Optional.ofNullable(r.release()), host,
                    config.healthcheck().path(), SWITCH_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while moving traffic back");
        }
    }

    /**
     * With no deploy of {@code app} in flight (the daemon just started): makes nginx and the running
     * instances agree with {@code current}; returns what it did, for the daemon's log.
     */
    public List<String> sweep(String app) throws IOException {
        ReleaseStore store = store(app);
        Map<String, Integer> instances = backend.list().stream()
                .filter(i -> i.app().equals(app) && !InstanceInfo.STOPPING.equals(i.state()))
                .collect(Collectors.toMap(InstanceInfo::release, InstanceInfo::port, (a, b) -> a));
        List<Reconciler.Action> plan = Reconciler.sweep(new Reconciler.AppWorld(store.currentId(), siteRelease(app), instances));
        List<String> done = new ArrayList<>();
        try (DeployLock lock = DeployLock.acquire(home.deployLock(app), "sweep of " + app, who -> { })) {
            for (Reconciler.Action action : plan) {
                try {
                    switch (action) {
                        case Reconciler.Action.RepointSite r -> repoint(app, r, store);
                        case Reconciler.Action.RetireInstance r ->
                                backend.retire(app, r.release(), r.drain() ? server.drain() : Duration.ZERO, server.stopTimeout());
                        default -> throw new IllegalStateException("a sweep never plans " + action);
                    }
                    done.add(describe(action));
                } catch (IOException | SiteSwitch.SwitchFailed | RuntimeException e) {
                    LOG.warn("sweep of {}: could not {}", app, describe(action), e);
                }
            }
        }
        return done;
    }

    private void repoint(String app, Reconciler.Action.RepointSite r, ReleaseStore store) throws IOException, SiteSwitch.SwitchFailed {
        AppConfig config;
        try {
            config = DeployWorker.configAt(new AppRepository(home.repo(app)), store.read(r.release()).orElseThrow().commit());
        } catch (ConfigException e) {
            config = AppConfig.defaults();
        }
        try {
            sites.switchTo(app, r.release(), config.domainsFor(app), r.ports(), siteOptions(config, store, r.release()),
                    Certificates.wanted(server, config) ? new Certificates(home, server, sites).stored(app, config) : Optional.empty(),
                    config.healthcheck().path(), SWITCH_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pointing the site back at " + r.release());
        }
    }

    /** The release's nginx: options, as its deploy applied them; without them (and a warning) when they no longer apply. */
    private static SiteOptions siteOptions(AppConfig config, ReleaseStore store, String release) {
        try {
            return SiteOptions.of(config.nginx(), store.dir(release).resolve(ReleaseStore.APP_DIR));
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("the nginx: options of {} no longer apply ({}); pointing the site back without them", release, e.getMessage());
            return SiteOptions.NONE;
        }
    }

    private String liveUrl(DeployState deploy) {
        try {
            return url.apply(deploy.app(), DeployWorker.configAt(DeployWorker.repoFor(home, deploy), deploy.commit()));
        } catch (IOException | ConfigException e) {
            return url.apply(deploy.app(), AppConfig.defaults());
        }
    }

    private static String describe(Reconciler.Action action) {
        return switch (action) {
            case Reconciler.Action.RestoreSite r -> "move traffic back to " + (r.release() == null ? "nothing" : r.release());
            case Reconciler.Action.RetireInstance r -> "stop the new instance " + r.release();
            case Reconciler.Action.RemoveStaging r -> "remove the unfinished release dir";
            case Reconciler.Action.RecordFailure r -> "record the failed release";
            case Reconciler.Action.RecordLive r -> "record the live release";
            case Reconciler.Action.SwitchCurrent r -> "point current at the release";
            case Reconciler.Action.RetireOthers r -> "retire the old instances";
            case Reconciler.Action.FinishLive r -> "journal the live release";
            case Reconciler.Action.FinishFailed r -> "journal the failure";
            case Reconciler.Action.RepointSite r -> "point the site back at " + r.release();
        };
    }

    private static ReleaseRecord record(ReleaseStore store, DeployState deploy, String outcome, String failedStep, String reason)
            throws IOException {
        List<ReleaseRecord.StepTime> steps = deploy.done().stream()
                .map(d -> new ReleaseRecord.StepTime(d.step().id(), d.took().toMillis() / 1000.0, true))
                .toList();
        var instance = deploy.instance();
        String kind = DeployQueue.GATED.equals(deploy.kind()) ? DeployQueue.PUSH : deploy.kind();
        Map<String, String> env = store.readEnv(deploy.deployId()).orElse(Map.of());
        String bots = deploy.done().stream().filter(d -> d.step() == StepId.RUN_BOTS).map(DeployEvent.StepDone::summary).findFirst()
                .orElse(null);
        return new ReleaseRecord(deploy.deployId(), deploy.app(), deploy.commit(), deploy.branch(), deploy.queuedAt(), Instant.now(),
                outcome, failedStep, reason, steps, instance == null ? 0 : instance.port(), instance == null ? List.of() : instance.command(),
                kind, deploy.source(), deploy.by(), EnvFile.keys(env), env.isEmpty() ? null : EnvFile.hash(env),
                store.artifactBytes(deploy.deployId()), null, List.of(), bots);
    }

    private ReleaseStore store(String app) {
        return new ReleaseStore(home.releasesDir(app), home.current(app));
    }
}
