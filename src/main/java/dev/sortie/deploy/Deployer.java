package dev.sortie.deploy;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ConfigLoader;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.git.AppRepository;
import dev.sortie.hooks.runtime.HookCache;
import dev.sortie.hooks.runtime.HookCompileException;
import dev.sortie.hooks.runtime.ProjectHooks;
import dev.sortie.nginx.ManagedNginx;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.DeployLock;
import dev.sortie.pipeline.PipelineRunner;
import dev.sortie.pipeline.StepId;
import dev.sortie.release.ReleaseId;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.ServiceBackend;
import dev.sortie.steps.DeployContext;
import dev.sortie.steps.DirTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One deploy of one app, from a commit in its repo to a live release: takes the lock, checks the
 * commit out, runs the pipeline, then either makes the release current and retires the old
 * instance, or undoes what the failed deploy changed so the previous release keeps serving.
 */
public final class Deployer {

    /** How a deploy ended. */
    public sealed interface Result {
        /** The new release is live. */
        record Live(String releaseId, String url) implements Result {
        }

        /** Nothing changed for users; {@code step} is null when the deploy failed before its first step. */
        record Failed(String releaseId, StepId step, String reason) implements Result {
        }
    }

    private final SortieHome home;
    private final ServerConfig server;
    private final ServiceBackend backend;
    private final Path jdkHome;
    private final ManagedNginx nginx;

    public Deployer(SortieHome home, ServerConfig server, ServiceBackend backend, Path jdkHome) {
        this.home = home;
        this.server = server;
        this.backend = backend;
        this.jdkHome = jdkHome;
        this.nginx = new ManagedNginx(home.root(), home.nginxDir(), server.nginx());
    }

    /** The URL an app answers on through nginx. */
    public String url(String app, AppConfig config) {
        String domain = config.domainsFor(app).getFirst();
        if (domain.startsWith("*.")) {
            domain = "www" + domain.substring(1);
        }
        return "http://" + domain + (nginx.port() == 80 ? "" : ":" + nginx.port()) + "/";
    }

    /** Deploys {@code commit} (a full id already resolved in the app's repo), reached through {@code branch}. */
    public Result deploy(String app, String commit, String branch, AppConfig config, Consumer<DeployEvent> events) throws IOException {
        ReleaseStore store = new ReleaseStore(home.releasesDir(app), home.current(app));
        String holder = "deploy of " + commit.substring(0, 7) + " (pid " + ProcessHandle.current().pid() + ")";
        try (DeployLock lock = DeployLock.acquire(home.deployLock(app), holder,
                who -> events.accept(new DeployEvent.Notice("waiting for the deploy lock: held by " + who)))) {
            return deployLocked(app, commit, branch, config, store, events);
        }
    }

    private Result deployLocked(String app, String commit, String branch, AppConfig config, ReleaseStore store,
            Consumer<DeployEvent> events) throws IOException {
        Instant started = Instant.now();
        String releaseId = ReleaseId.unique(started, commit, store::exists);
        Optional<ReleaseRecord> previous = store.currentRecord();
        String previousId = previous.map(ReleaseRecord::id).orElse(null);
        events.accept(new DeployEvent.Started(app, commit, branch, releaseId));

        Path buildDir = home.buildsDir(app).resolve(releaseId);
        deleteQuietly(home.buildsDir(app), events); // builds of earlier deploys; we hold the lock, so none is in use
        new AppRepository(home.repo(app)).checkout(commit, buildDir);

        ProjectHooks hooks;
        try {
            hooks = loadHooks(app, config, buildDir, events);
        } catch (HookCompileException e) {
            events.accept(new DeployEvent.Problem(e.details()));
            return failedBeforeSteps(store, releaseId, app, commit, branch, started, e.getMessage(), events);
        }

        Map<String, String> appEnv = AppEnvFile.read(home.envFile(app));
        DeployContext ctx = new DeployContext(home, app, config, server, commit, branch, releaseId, buildDir, previous, appEnv,
                jdkHome, new DeployContext.Services(backend, new SiteSwitch(nginx), store));
        UpgradeHooksAdapter hookAdapter = new UpgradeHooksAdapter(hooks);
        StepId[] lastDone = {null};
        Consumer<DeployEvent> tracked = e -> {
            if (e instanceof DeployEvent.StepDone d) {
                lastDone[0] = d.step();
            }
            events.accept(e);
        };
        PipelineRunner<DeployContext> runner = new PipelineRunner<>(DeployPlan.steps(), hookAdapter, tracked);
        // Ctrl-C on a local push, a dropped SSH session (HUP) or a TERM: undo what the deploy changed before the JVM exits
        java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
        Thread onInterrupt = new Thread(() -> {
            if (settled.compareAndSet(false, true)) {
                StepId step = StepId.values()[lastDone[0] == null ? 0 : Math.min(lastDone[0].ordinal() + 1, StepId.values().length - 1)];
                String reason = "the deploy was interrupted (the sortie process got a signal)";
                boolean restored = undo(ctx, events);
                try {
                    store.writeRecord(record(ctx, started, ReleaseRecord.FAILED, step, reason,
                            new PipelineRunner.Outcome.Completed(List.of())));
                } catch (IOException | RuntimeException ignored) {
                    // the record is a courtesy here; putting the previous release back is what matters
                }
                events.accept(new DeployEvent.Failed(app, step, reason, previousId, restored));
            }
        }, "sortie-deploy-interrupted");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        PipelineRunner.Outcome outcome;
        try {
            outcome = runner.run(ctx);
        } finally {
            if (!settled.compareAndSet(false, true)) {
                // the JVM is exiting and the shutdown hook is undoing this deploy: do nothing more
                outcome = null;
            }
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException ignored) {
                // shutdown already under way
            }
        }
        if (outcome == null) {
            return new Result.Failed(releaseId, null, "interrupted");
        }

        return switch (outcome) {
            case PipelineRunner.Outcome.Completed done -> {
                try {
                    store.writeRecord(record(ctx, started, ReleaseRecord.LIVE, null, null, outcome));
                    store.switchCurrent(releaseId);
                } catch (IOException e) {
                    // every step passed, but without a record and `current` the release must not stay live
                    String reason = "all steps passed, but the release could not be made current: " + e;
                    boolean restored = undo(ctx, events);
                    events.accept(new DeployEvent.Failed(app, StepId.RUN_BOTS, reason, previousId, restored));
                    yield new Result.Failed(releaseId, StepId.RUN_BOTS, reason);
                }
                retireOthers(app, releaseId, events);
                deleteQuietly(buildDir, events);
                String url = url(app, config);
                events.accept(new DeployEvent.Live(app, releaseId, url));
                yield new Result.Live(releaseId, url);
            }
            case PipelineRunner.Outcome.Failed failed -> {
                boolean restored = undo(ctx, events);
                hookAdapter.onFailure(ctx, failed.step(), failed.failure(), events);
                String reason = failed.failure().getMessage();
                store.writeRecord(record(ctx, started, ReleaseRecord.FAILED, failed.step(), reason, outcome));
                events.accept(new DeployEvent.Failed(app, failed.step(), reason, previousId, restored));
                yield new Result.Failed(releaseId, failed.step(), reason);
            }
        };
    }

    /** Records a deploy that failed before its first step (a bad sortie.yml): nothing ran, nothing changed. */
    public Result failBeforeSteps(String app, String commit, String branch, String reason, Consumer<DeployEvent> events)
            throws IOException {
        ReleaseStore store = new ReleaseStore(home.releasesDir(app), home.current(app));
        Instant now = Instant.now();
        return failedBeforeSteps(store, ReleaseId.unique(now, commit, store::exists), app, commit, branch, now, reason, events);
    }

    private Result failedBeforeSteps(ReleaseStore store, String releaseId, String app, String commit, String branch, Instant started,
            String reason, Consumer<DeployEvent> events) throws IOException {
        store.writeRecord(new ReleaseRecord(releaseId, app, commit, branch, started, Instant.now(), ReleaseRecord.FAILED, null, reason,
                List.of(), 0, List.of()));
        events.accept(new DeployEvent.Failed(app, null, reason, store.currentId().orElse(null)));
        return new Result.Failed(releaseId, null, reason);
    }

    /** Compiles (or takes from the cache) and loads the project's hooks; no hooks file means no hooks, silently. */
    private ProjectHooks loadHooks(String app, AppConfig config, Path buildDir, Consumer<DeployEvent> events)
            throws IOException, HookCompileException {
        Path source = buildDir.resolve(config.hooks().file());
        if (!Files.isRegularFile(source)) {
            return ProjectHooks.NONE;
        }
        long start = System.nanoTime();
        HookCache.Entry entry = new HookCache(home.appDir(app).resolve("hooks-cache")).get(source, config.hooks().file());
        ProjectHooks hooks = ProjectHooks.load(entry, StepId.ids());
        String names = hooks.names().isEmpty() ? "no hooks" : String.join(", ", hooks.names());
        events.accept(new DeployEvent.Notice(String.format("%-17s %-44s %6s", "hooks", config.hooks().file() + ": " + names
                + (entry.cached() ? " (cached)" : " (compiled)"), dev.sortie.exec.Durations.format(
                java.time.Duration.ofNanos(System.nanoTime() - start)))));
        return hooks;
    }

    /** Reads and validates sortie.yml at a commit; absent means all defaults. */
    public static AppConfig configAt(AppRepository repo, String commit) throws IOException {
        Optional<String> text = repo.readFile(commit, AppConfig.FILE_NAME);
        return text.isEmpty() ? AppConfig.defaults() : ConfigLoader.parseApp(text.get(), AppConfig.FILE_NAME);
    }

    private void retireOthers(String app, String live, Consumer<DeployEvent> events) {
        try {
            List<InstanceInfo> old = backend.list().stream()
                    .filter(i -> i.app().equals(app) && !i.release().equals(live))
                    .toList();
            if (old.isEmpty()) {
                return;
            }
            for (InstanceInfo i : old) {
                backend.retire(app, i.release(), server.drain(), server.stopTimeout());
            }
            events.accept(new DeployEvent.Notice("old release " + String.join(", ", old.stream().map(InstanceInfo::release).toList())
                    + " drains for " + server.drain().toSeconds() + "s, then stops"));
        } catch (IOException e) {
            events.accept(new DeployEvent.Notice("warning: could not stop the old instance: " + e.getMessage()
                    + " (sortie ps shows what runs)"));
        }
    }

    /** Undoes the deploy's changes, newest first; false when any undo action failed. */
    private static boolean undo(DeployContext ctx, Consumer<DeployEvent> events) {
        boolean all = true;
        for (DeployContext.Undo undo : ctx.undoActions()) {
            try {
                undo.action().run();
            } catch (Exception e) {
                all = false;
                events.accept(new DeployEvent.Notice("warning: could not " + undo.what() + ": " + e.getMessage()));
            }
        }
        return all;
    }

    /** Build dirs are scratch: failing to delete one is worth a warning, never a failed deploy. */
    private static void deleteQuietly(Path dir, Consumer<DeployEvent> events) {
        try {
            DirTree.delete(dir);
        } catch (IOException | java.io.UncheckedIOException e) {
            events.accept(new DeployEvent.Notice("warning: could not delete the build dir " + dir + ": " + e));
        }
    }

    private static ReleaseRecord record(DeployContext ctx, Instant started, String outcome, StepId failedStep, String reason,
            PipelineRunner.Outcome result) {
        List<ReleaseRecord.StepTime> steps = result.timings().stream()
                .map(t -> new ReleaseRecord.StepTime(t.step().id(), t.took().toMillis() / 1000.0, t.ok()))
                .toList();
        int port = ctx.instance().map(InstanceInfo::port).orElse(0);
        return new ReleaseRecord(ctx.releaseId(), ctx.app(), ctx.commit(), ctx.branch(), started, Instant.now(), outcome,
                failedStep == null ? null : failedStep.id(), reason, steps, port, ctx.runArgv());
    }
}
