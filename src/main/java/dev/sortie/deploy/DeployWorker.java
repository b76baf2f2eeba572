package dev.sortie.deploy;

import dev.sortie.config.AppConfig;
import dev.sortie.config.AppSettings;
import dev.sortie.config.ConfigException;
import dev.sortie.config.ConfigLoader;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.exec.Durations;
import dev.sortie.git.AppRepository;
import dev.sortie.hooks.runtime.HookCache;
import dev.sortie.hooks.runtime.HookCompileException;
import dev.sortie.hooks.runtime.ProjectHooks;
import dev.sortie.nginx.DomainClaims;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.DeployLock;
import dev.sortie.pipeline.PipelineRunner;
import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepId;
import dev.sortie.release.EnvFile;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.ServiceBackend;
import dev.sortie.steps.DeployContext;
import dev.sortie.steps.DeployFacts;
import dev.sortie.steps.DirTree;
import dev.sortie.steps.RemoteSites;
import dev.sortie.steps.StepOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Runs one queued deploy, in the worker process the daemon started for it: checks the commit out,
 * loads the project's hooks, runs the pipeline and, when every step passed, commits (release
 * record, {@code current}, old instances retired). Every event goes to the deploy's journal. On a
 * failure it only records its verdict ({@link DeployEvent.Aborting}): the daemon undoes the deploy
 * once this process has exited, the same way it undoes one whose worker died.
 */
public final class DeployWorker {

    /** How the worker ended: the process exit code follows from it. */
    public enum Result { LIVE, ABORTED }

    /** How long a dropped pusher's git has to notice, once the hook printed a line. */
    static final Duration PUSHER_CHECK = Duration.ofMillis(250);

    private final SortieHome home;
    private final ServerConfig server;
    private final ServiceBackend backend;
    private final SiteSwitch sites;
    private final Path jdkHome;
    private final BiFunction<String, AppConfig, String> url;
    private final RemoteSites remote;
    /** The hooks-cache entry this deploy's hooks came from, and their names; null and empty without hooks. */
    private String hooksHash;
    private List<String> hooksRan = List.of();
    /** A stored deploy: the hash of the app's config file when it started, so a rollback does not undo a change made meanwhile. */
    private String appEnvAtStart;

    /** @param url the URL an app with this config answers on, for the live line */
    public DeployWorker(SortieHome home, ServerConfig server, ServiceBackend backend, SiteSwitch sites, Path jdkHome,
            BiFunction<String, AppConfig, String> url) {
        this(home, server, backend, sites, jdkHome, url, null);
    }

    /** @param remote the daemon's nginx switch, for a worker that runs as its app's own user; null: this worker switches */
    public DeployWorker(SortieHome home, ServerConfig server, ServiceBackend backend, SiteSwitch sites, Path jdkHome,
            BiFunction<String, AppConfig, String> url, RemoteSites remote) {
        this.remote = remote;
        this.home = home;
        this.server = server;
        this.backend = backend;
        this.sites = sites;
        this.jdkHome = jdkHome;
        this.url = url;
    }

    /** Runs the deploy whose journal is {@code journalFile}; its first line says what to deploy. */
    public Result run(Path journalFile) throws IOException {
        DeployState queued = DeployState.of(Journal.read(journalFile))
                .orElseThrow(() -> new IOException(journalFile + " does not start with a queued deploy"));
        String app = queued.app();
        try (Journal journal = Journal.open(journalFile);
                DeployLock lock = DeployLock.acquire(home.deployLock(app), "deploy " + queued.deployId() + " (pid "
                        + ProcessHandle.current().pid() + ")", who -> journal.accept(new DeployEvent.Notice(
                        "waiting for the deploy lock: held by " + who)))) {
            try {
                return deploy(queued, journal);
            } catch (IOException | RuntimeException e) {
                return failed(journalFile, queued, journal, e);
            }
        }
    }

    /**
     * Anything that went wrong outside a step (reading the commit, the hooks cache, the commit itself):
     * journalled as the deploy's verdict, so the pusher reads what happened instead of "exit 1"; a deploy
     * that has committed is left to the daemon, which finishes it.
     */
    private static Result failed(Path journalFile, DeployState queued, Journal journal, Exception e) throws IOException {
        DeployState now = DeployState.of(Journal.read(journalFile)).orElse(queued);
        if (now.committing()) {
            throw rethrow(e);
        }
        String why = e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
        try {
            return abort(journal, now.started() ? now.currentStep() : null, "sortie could not go on: " + why);
        } catch (IOException | RuntimeException again) {
            e.addSuppressed(again);
            throw rethrow(e);
        }
    }

    private static IOException rethrow(Exception e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        return (IOException) e;
    }

    private Result deploy(DeployState queued, Journal journal) throws IOException {
        if (DeployQueue.FLEET.equals(queued.kind())) {
            return deployShipped(queued, journal);
        }
        if (DeployQueue.ofStoredRelease(queued.kind())) {
            return deployStored(queued, journal);
        }
        String app = queued.app();
        String releaseId = queued.deployId();
        ReleaseStore store = new ReleaseStore(home.releasesDir(app), home.current(app));
        Optional<ReleaseRecord> previous = store.currentRecord();
        Instant started = Instant.now();
        journal.appendDurably(new DeployEvent.Started(app, queued.commit(), queued.branch(), releaseId,
                previous.map(ReleaseRecord::id).orElse(null)));

        if (server.fleet().enabled()) {
            Optional<String> refused = FleetParts.check(server.fleet(), journal);
            if (refused.isPresent()) {
                return abort(journal, null, refused.get());
            }
        }
        AppRepository repo = repoFor(home, queued);
        if (!hasCommit(repo, queued.commit())) {
            return abort(journal, null, "commit " + queued.commit() + " is not in the repo of " + app
                    + (queued.gate() != null ? " (the push's objects are gone: push again)" : ""));
        }
        Checkout checkout;
        try {
            checkout = checkout(app, repo, queued.commit(), releaseId, journal);
        } catch (NotReady e) {
            return abort(journal, null, e.getMessage());
        }
        AppConfig config = checkout.config();
        Path buildDir = checkout.dir();
        ProjectHooks hooks = checkout.hooks();

        DeployFacts facts = new DeployFacts(home, app, config, server, queued.commit(), queued.branch(), releaseId, buildDir, previous,
                appEnv(app, journal), jdkHome, DeployQueue.GATED.equals(queued.kind()) ? DeployQueue.PUSH : queued.kind(), null);
        DeployContext ctx = new DeployContext(facts, new DeployContext.Services(backend, sites, store, remote), new JournalChanges(journal));
        return runPipeline(queued, ctx, hooks, server.fleet().enabled() ? DeployPlan.build() : DeployPlan.steps(), started, journal);
    }

    /** sortie.yml's config with {@code sortie scale}'s instance count, when one was set. */
    private AppConfig scaled(String app, AppConfig config) {
        Integer scale = AppSettings.load(home.appSettings(app)).instances();
        return scale == null ? config : config.withInstances(scale);
    }

    /** A commit checked out for a deploy: its sortie.yml (with {@code sortie scale}'s count), the build dir, its hooks. */
    private record Checkout(AppConfig config, Path dir, ProjectHooks hooks) {
    }

    /** Why a commit cannot be deployed (its sortie.yml, a domain another app owns, its hooks do not compile); the message says. */
    private static final class NotReady extends Exception {
        NotReady(String message) {
            super(message);
        }
    }

    /**
     * What every deploy does before its steps, built or stored: reads and checks the commit's sortie.yml and domains,
     * makes the app's user when apps have users, checks the commit out into a fresh build dir (earlier builds are
     * deleted: we hold the lock, so none is in use) and loads its hooks (javac's diagnostics are journalled).
     */
    private Checkout checkout(String app, AppRepository repo, String commit, String releaseId, Journal journal)
            throws IOException, NotReady {
        AppConfig config;
        try {
            config = scaled(app, configAt(repo, commit));
            DomainClaims.check(app, config.domainsFor(app), sites);
        } catch (ConfigException e) {
            throw new NotReady(e.getMessage());
        }
        new AppUsers(home, server).ensure(app);
        Path buildDir = home.buildsDir(app).resolve(releaseId);
        deleteQuietly(home.buildsDir(app), journal);
        repo.checkout(commit, buildDir);
        try {
            return new Checkout(config, buildDir, loadHooks(app, config, buildDir, journal));
        } catch (HookCompileException e) {
            journal.accept(new DeployEvent.Problem(e.details()));
            throw new NotReady(e.getMessage());
        }
    }

    /** The app's config vars as {@code sortie config} keeps them; a file others can read is made 0600 first, with a warning. */
    private Map<String, String> appEnv(String app, Journal journal) throws IOException {
        String warning = EnvFile.tighten(home.envFile(app));
        if (warning != null) {
            journal.accept(new DeployEvent.Notice(warning));
        }
        return EnvFile.read(home.envFile(app));
    }

    /**
     * A rollback, config change or restart: a new release made of a stored release's files (hard links, no
     * build) and an environment snapshot, run through the last three steps with the stored release's own
     * sortie.yml, hooks and smoke bots (from its commit, which is checked out for them).
     */
    private Result deployStored(DeployState queued, Journal journal) throws IOException {
        String app = queued.app();
        String releaseId = queued.deployId();
        ReleaseStore store = new ReleaseStore(home.releasesDir(app), home.current(app));
        Optional<ReleaseRecord> previous = store.currentRecord();
        Instant started = Instant.now();
        // a rollback runs the release it names; a config change or restart runs what is live NOW (a push that went
        // live while this one waited must not be undone by it)
        boolean rollback = DeployQueue.ROLLBACK.equals(queued.kind());
        String sourceId = rollback ? queued.source() : previous.map(ReleaseRecord::id).orElse(null);
        Optional<ReleaseRecord> found = sourceId == null ? Optional.empty() : store.read(sourceId);
        journal.appendDurably(new DeployEvent.Started(app, found.map(ReleaseRecord::commit).orElse(queued.commit()),
                found.map(ReleaseRecord::branch).orElse(queued.branch()), releaseId, previous.map(ReleaseRecord::id).orElse(null)));
        if (!rollback && sourceId != null && !sourceId.equals(queued.source())) {
            journal.accept(new DeployEvent.Notice(app + ": " + sourceId + " went live while this " + queued.kind()
                    + " waited (it was asked for on " + queued.source() + "); it runs " + sourceId));
        }
        if (found.isEmpty() || !found.get().isLive()) {
            return abort(journal, null, "release " + (sourceId == null ? "(none live)" : sourceId) + " of " + app + " cannot run again: "
                    + (found.isEmpty() ? "it has no record" : "it never went live") + " (see: sortie releases " + app + ")");
        }
        ReleaseRecord source = found.get();
        appEnvAtStart = EnvFile.hash(EnvFile.read(home.envFile(app)));
        Map<String, String> env;
        if (DeployQueue.CONFIG.equals(queued.kind())) {
            env = appEnv(app, journal);
        } else {
            Optional<Map<String, String>> snapshot = store.readEnv(source.id());
            if (snapshot.isEmpty()) {
                journal.accept(new DeployEvent.Notice("release " + source.id() + " has no config snapshot (made before Sortie kept them);"
                        + " it runs with the app's config as it is now"));
            }
            env = snapshot.isPresent() ? snapshot.get() : appEnv(app, journal);
        }
        AppRepository repo = repoFor(home, queued);
        if (!hasCommit(repo, source.commit())) {
            return abort(journal, null, "commit " + source.commit() + " of release " + source.id() + " is gone from the repo of " + app
                    + ", so its sortie.yml, hooks and smoke bots cannot be read; deploy a commit instead: sortie deploy " + app + " REF");
        }
        Checkout checkout;
        try {
            checkout = checkout(app, repo, source.commit(), releaseId, journal);
        } catch (NotReady e) {
            return abort(journal, null, e.getMessage());
        }
        AppConfig config = checkout.config();
        Path buildDir = checkout.dir();
        ProjectHooks hooks = checkout.hooks();
        long start = System.nanoTime();
        Path dir;
        try {
            dir = store.linkFrom(source.id(), releaseId, env);
        } catch (IOException e) {
            return abort(journal, null, "cannot make release " + releaseId + " from " + source.id() + ": " + e.getMessage());
        }
        journal.accept(new DeployEvent.Notice(String.format(Locale.ROOT, "release %s: the files of %s (%s, no rebuild), %d config %s, in %.2fs",
                releaseId, source.id(), source.commit().substring(0, 7), env.size(), env.size() == 1 ? "var" : "vars",
                (System.nanoTime() - start) / 1e9)));
        DeployFacts facts = new DeployFacts(home, app, config, server, source.commit(), source.branch(), releaseId, buildDir, previous,
                env, jdkHome, queued.kind(), source.id());
        DeployContext ctx = new DeployContext(facts, new DeployContext.Services(backend, sites, store, remote), new JournalChanges(journal));
        ctx.put(new StepOutput.ReleaseCopied(dir, source.run()));
        return runPipeline(queued, ctx, hooks, DeployPlan.storedRelease(), started, journal);
    }

    /**
     * A fleet host's part: the release the primary shipped here, adopted as a release of this host's own (its files
     * moved in, its config snapshot beside them), run through the last three steps with its commit's sortie.yml, hooks
     * and smoke bots (the commit came with it, as a git bundle).
     */
    private Result deployShipped(DeployState queued, Journal journal) throws IOException {
        String app = queued.app();
        String releaseId = queued.deployId();
        ReleaseStore store = new ReleaseStore(home.releasesDir(app), home.current(app));
        Optional<ReleaseRecord> previous = store.currentRecord();
        Instant started = Instant.now();
        journal.appendDurably(new DeployEvent.Started(app, queued.commit(), queued.branch(), releaseId, previous.map(ReleaseRecord::id).orElse(null)));
        dev.sortie.fleet.ShippedReleases shipped = new dev.sortie.fleet.ShippedReleases(home);
        dev.sortie.fleet.Shipment shipment;
        Map<String, String> env;
        try {
            shipment = shipped.read(app, queued.source());
            env = shipped.env(app, queued.source());
        } catch (IOException e) {
            return abort(journal, null, "shipped release " + queued.source() + " of " + app + " cannot be read: " + e.getMessage());
        }
        AppRepository repo = repoFor(home, queued);
        if (!hasCommit(repo, shipment.commit())) {
            return abort(journal, null, "commit " + shipment.commit() + " of shipped release " + shipment.release() + " is not in the repo of "
                    + app + ": ship it again from the primary");
        }
        Checkout checkout;
        try {
            checkout = checkout(app, repo, shipment.commit(), releaseId, journal);
        } catch (NotReady e) {
            return abort(journal, null, e.getMessage());
        }
        Path dir;
        try {
            dir = shipped.adopt(store, app, shipment.release(), releaseId);
        } catch (IOException e) {
            return abort(journal, null, "cannot make release " + releaseId + " from shipped " + shipment.release() + ": " + e.getMessage());
        }
        journal.accept(new DeployEvent.Notice("release " + releaseId + ": the files of " + shipment.release() + " (" + shipment.commit()
                .substring(0, 7) + ", built and shipped by the primary), " + env.size() + " config " + (env.size() == 1 ? "var" : "vars")));
        DeployFacts facts = new DeployFacts(home, app, checkout.config(), server, shipment.commit(), shipment.branch(), releaseId,
                checkout.dir(), previous, env, jdkHome, DeployQueue.FLEET, shipment.release());
        DeployContext ctx = new DeployContext(facts, new DeployContext.Services(backend, sites, store, remote), new JournalChanges(journal));
        ctx.put(new StepOutput.ReleaseCopied(dir, shipment.run()));
        return runPipeline(queued, ctx, checkout.hooks(), DeployPlan.storedRelease(), started, journal);
    }

    private Result runPipeline(DeployState queued, DeployContext ctx, ProjectHooks hooks, List<Step<DeployContext>> steps, Instant started,
            Journal journal) throws IOException {
        UpgradeHooksAdapter hookAdapter = new UpgradeHooksAdapter(hooks);
        ConfigMask events = new ConfigMask(journal, ctx.appEnv());
        PipelineRunner.Outcome outcome = new PipelineRunner<>(steps, hookAdapter, events).run(ctx);
        return switch (outcome) {
            case PipelineRunner.Outcome.Completed done -> {
                Optional<String> gone = pusherGone(queued, journal);
                if (gone.isPresent()) {
                    yield abort(journal, StepId.RUN_BOTS, gone.get());
                }
                if (server.fleet().enabled() && !DeployQueue.ofStoredRelease(queued.kind())) {
                    Optional<DeployEvent.Aborting> stopped = FleetParts.roll(home, server.fleet(), ctx, queued.by(), events);
                    if (stopped.isPresent()) {
                        yield abort(journal, stopped.get().step(), stopped.get().reason());
                    }
                }
                yield commit(ctx, queued, started, done, journal);
            }
            case PipelineRunner.Outcome.Failed failed -> {
                hookAdapter.onFailure(ctx, failed.step(), failed.failure(), events);
                yield abort(journal, failed.step(), events.text(failed.failure().getMessage()));
            }
        };
    }

    private static boolean hasCommit(AppRepository repo, String commit) throws IOException {
        try {
            return repo.resolve(commit).filter(commit::equals).isPresent();
        } catch (org.eclipse.jgit.errors.MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
            return false;
        }
    }

    /** The app's repo as this deploy reads it: a gated push's objects are still in git's quarantine. */
    static AppRepository repoFor(SortieHome home, DeployState deploy) {
        List<Path> extra = deploy.gate() == null || deploy.gate().objects() == null ? List.of() : List.of(Path.of(deploy.gate().objects()));
        return new AppRepository(home.repo(deploy.app()), extra);
    }

    /**
     * A gated push goes live only if git can still accept it: its receive-pack must be there to move
     * the branch. The hook prints a line first, so a pusher that went away has made git fail by now.
     */
    private static Optional<String> pusherGone(DeployState queued, Journal journal) throws IOException {
        if (queued.gate() == null) {
            return Optional.empty();
        }
        journal.appendDurably(new DeployEvent.Notice(queued.app() + ": every step passed; git accepts the push as it goes live"));
        try {
            Thread.sleep(PUSHER_CHECK.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while checking the push is still there");
        }
        boolean alive = ProcessHandle.of(queued.gate().pusherPid()).map(ProcessHandle::isAlive).orElse(false);
        return alive ? Optional.empty()
                : Optional.of("the push went away (connection dropped) before its deploy could go live; git did not accept it,"
                        + " so nothing changes: push again");
    }

    /** Every step passed: the record and {@code current} name the release, then the old instances drain. */
    private Result commit(DeployContext ctx, DeployState queued, Instant started, PipelineRunner.Outcome done, Journal journal)
            throws IOException {
        journal.appendDurably(new DeployEvent.Committing(ctx.releaseId()));
        ReleaseStore store = ctx.services().releases();
        store.writeRecord(record(ctx, queued, started, done, DeployState.of(Journal.read(home.journal(ctx.app(), queued.deployId())))
                .orElse(queued)));
        store.switchCurrent(ctx.releaseId());
        Files.deleteIfExists(home.appDir(ctx.app()).resolve("stopped")); // a stopped app serves again once a release goes live
        if (DeployQueue.ROLLBACK.equals(ctx.facts().kind())) {
            // a rollback restores the config too, so later config changes start from the release that is live; unless the
            // config was changed while it ran: that change is kept (its own config deploy is queued behind this one)
            if (EnvFile.hash(EnvFile.read(home.envFile(ctx.app()))).equals(appEnvAtStart)) {
                EnvFile.write(home.envFile(ctx.app()), ctx.appEnv(), "config vars of " + ctx.app() + ": change them with sortie config set");
            } else {
                journal.accept(new DeployEvent.Notice("the app's config changed while this rollback ran: it is kept, not replaced by "
                        + ctx.facts().source() + "'s"));
            }
        }
        retireOthers(ctx.app(), ctx.releaseId(), ctx.previous().map(ReleaseRecord::id).orElse(null), standby(ctx), server, backend, journal);
        new ReleaseRetention(home, server).afterLive(ctx.app(), backend, journal);
        journal.appendDurably(new DeployEvent.Live(ctx.app(), ctx.releaseId(), url.apply(ctx.app(), ctx.config())));
        // scratch, after the live line: a large build's tree must not keep the pusher waiting; what is left, the next deploy deletes
        try {
            DirTree.delete(ctx.buildDir());
        } catch (IOException | UncheckedIOException e) {
            // the next deploy of this app deletes every earlier build dir before its checkout
        }
        return Result.LIVE;
    }

    private static Result abort(Journal journal, StepId step, String reason) throws IOException {
        journal.appendDurably(new DeployEvent.Aborting(step, reason));
        return Result.ABORTED;
    }

    /** How long the release that was live keeps running without traffic: sortie.yml's standby, else the app's setting, else the server's. */
    private Duration standby(DeployContext ctx) {
        Duration configured;
        if (ctx.config().standby() != null) {
            configured = ctx.config().standby();
        } else {
            Duration app = AppSettings.load(home.appSettings(ctx.app())).standby();
            configured = app != null ? app : server.standby();
        }
        // a fleet host keeps its previous release warm while the rest of the fleet rolls, so a failed roll switches it back at once
        return DeployQueue.FLEET.equals(ctx.facts().kind()) && configured.compareTo(FleetParts.HOST_STANDBY) < 0 ? FleetParts.HOST_STANDBY
                : configured;
    }

    /**
     * Drains and stops every instance of {@code app} but {@code live}'s; the intent is journalled first. The instance
     * of {@code previous} (the release that was live) stays up for {@code standby} when that is longer than the drain.
     */
    static void retireOthers(String app, String live, String previous, Duration standby, ServerConfig server, ServiceBackend backend,
            Journal journal) throws IOException {
        List<String> old = backend.list().stream()
                .filter(i -> i.app().equals(app) && !i.releaseId().equals(live) && !InstanceInfo.STOPPING.equals(i.state()))
                .map(InstanceInfo::release)
                .toList();
        if (old.isEmpty()) {
            return;
        }
        List<String> standbys = previous == null || standby.compareTo(server.drain()) <= 0 ? List.of()
                : old.stream().filter(name -> InstanceInfo.releaseOf(name).equals(previous)).toList();
        List<String> drained = old.stream().filter(name -> !standbys.contains(name)).toList();
        if (!standbys.isEmpty()) {
            journal.appendDurably(new DeployEvent.Retiring(standbys, standby));
            journal.accept(new DeployEvent.Notice(previous + " stays up for " + Durations.format(standby)
                    + " as a standby, without traffic: sortie rollback " + app + " within that time only switches nginx"));
            for (String name : standbys) {
                backend.retire(app, name, standby, server.stopTimeout());
            }
        }
        if (!drained.isEmpty()) {
            journal.appendDurably(new DeployEvent.Retiring(drained, server.drain()));
            for (String release : drained) {
                backend.retire(app, release, server.drain(), server.stopTimeout());
            }
        }
    }

    /** As {@link #retireOthers(String, String, String, Duration, ServerConfig, ServiceBackend, Journal)} with no standby. */
    static void retireOthers(String app, String live, ServerConfig server, ServiceBackend backend, Journal journal) throws IOException {
        retireOthers(app, live, null, Duration.ZERO, server, backend, journal);
    }

    /** Reads and validates sortie.yml at a commit; absent means all defaults. */
    public static AppConfig configAt(AppRepository repo, String commit) throws IOException {
        Optional<String> text = repo.readFile(commit, AppConfig.FILE_NAME);
        return text.isEmpty() ? AppConfig.defaults() : ConfigLoader.parseApp(text.get(), AppConfig.FILE_NAME);
    }

    /** Compiles (or takes from the cache) and loads the project's hooks; no hooks file means no hooks, silently. */
    private ProjectHooks loadHooks(String app, AppConfig config, Path buildDir, Journal journal) throws IOException, HookCompileException {
        Path source = buildDir.resolve(config.hooks().file());
        if (!Files.isRegularFile(source)) {
            return ProjectHooks.NONE;
        }
        long start = System.nanoTime();
        HookCache.Entry entry = new HookCache(home.appDir(app).resolve("hooks-cache")).get(source, config.hooks().file());
        ProjectHooks hooks = ProjectHooks.load(entry, StepId.ids());
        hooksHash = entry.classes().getParent().getFileName().toString();
        hooksRan = hooks.names();
        journal.accept(new DeployEvent.HooksLoaded(config.hooks().file(), hooks.names(), entry.cached(),
                Duration.ofNanos(System.nanoTime() - start)));
        return hooks;
    }

    /** The release record of a deploy whose steps all passed; {@code journal} is what its journal says so far. */
    ReleaseRecord record(DeployContext ctx, DeployState queued, Instant started, PipelineRunner.Outcome result, DeployState journal) {
        List<ReleaseRecord.StepTime> steps = result.timings().stream()
                .map(t -> new ReleaseRecord.StepTime(t.step().id(), t.took().toMillis() / 1000.0, t.ok()))
                .toList();
        int port = ctx.instance().map(InstanceInfo::port).orElse(0);
        List<String> run = ctx.release().map(r -> r.run()).orElse(List.of());
        String bots = journal.done().stream().filter(d -> d.step() == StepId.RUN_BOTS).map(DeployEvent.StepDone::summary).findFirst().orElse(null);
        return new ReleaseRecord(ctx.releaseId(), ctx.app(), ctx.commit(), ctx.branch(), started, Instant.now(), ReleaseRecord.LIVE,
                null, null, steps, port, run, ctx.facts().kind(), ctx.facts().source(), queued.by(), EnvFile.keys(ctx.appEnv()),
                EnvFile.hash(ctx.appEnv()), ctx.services().releases().artifactBytes(ctx.releaseId()), hooksHash, hooksRan, bots);
    }

    /** Build dirs are scratch: failing to delete one is worth a warning, never a failed deploy. */
    private static void deleteQuietly(Path dir, Journal journal) {
        try {
            DirTree.delete(dir);
        } catch (IOException | UncheckedIOException e) {
            journal.accept(new DeployEvent.Notice("warning: could not delete the build dir " + dir + ": " + e));
        }
    }
}
