package dev.sortie.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ConfigLoader;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.hooks.runtime.HookCache;
import dev.sortie.hooks.runtime.ProjectHooks;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.PipelineRunner;
import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepFailure;
import dev.sortie.pipeline.StepId;
import dev.sortie.release.ReleaseStore;
import dev.sortie.pipeline.StepResult;
import dev.sortie.steps.DeployContext;
import dev.sortie.steps.DeployFacts;
import dev.sortie.steps.WorldChanges;
import dev.sortie.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Really compiled UpgradeHooks run through {@link UpgradeHooksAdapter} and a real {@link PipelineRunner}
 * over a real {@link DeployContext}: the order of hooks and steps, what a hook sees of the deploy,
 * and how a failing, slow or command-running hook fails its step. The two hook sources are compiled
 * once for the class; every test loads them afresh, as every deploy does.
 */
class UpgradeHooksComponentTest {

    private static final String APP = "hello";
    private static final String COMMIT = "3f2a9c1e0b5d4c7a8e6f1029384756abcdef0123";
    private static final String RELEASE = "20261121-120000-abcdef1";

    /** Hooks of every form around most steps; each call shows itself in the push output via env.log. */
    private static final String ORDERED = """
            import dev.sortie.hooks.DeployEnv;
            import java.util.ArrayList;
            import java.util.List;

            public class UpgradeHooks {
                private static final List<String> quiet = new ArrayList<>();
                private int calls;

                public void before_deps(DeployEnv env) {
                    env.log("hook:before_deps call=" + (++calls));
                }

                public static void after_deps(DeployEnv env) {
                    env.log("hook:after_deps static");
                }

                public void before_compile() {
                    calls++;
                    quiet.add("before_compile");
                }

                public static void after_compile() {
                    quiet.add("after_compile");
                }

                public void before_package(DeployEnv env) {
                    env.log("hook:before_package call=" + (++calls) + " quiet=" + quiet);
                }

                public void after_make_upgrade_dir(DeployEnv env) {
                    env.log("hook:after_make_upgrade_dir call=" + (++calls));
                }

                public void before_copy_release(DeployEnv env) {
                    env.log("hook:before_copy_release call=" + (++calls));
                }

                public static void before_upgrade_service(DeployEnv env) {
                    env.log("hook:before_upgrade_service static");
                }

                public void after_upgrade_service(DeployEnv env) {
                    env.log("hook:after_upgrade_service call=" + (++calls));
                }

                public void before_run_bots(DeployEnv env) {
                    env.log("hook:before_run_bots call=" + (++calls));
                }

                public void after_run_bots(DeployEnv env) {
                    env.log("hook:after_run_bots call=" + (++calls));
                }
            }
            """;

    /** One hook per misbehaviour; tests call the one they need through the adapter. */
    private static final String MISBEHAVING = """
            import dev.sortie.hooks.DeployEnv;

            public class UpgradeHooks {
                public void before_deps(DeployEnv env) {
                    env.log("app=" + env.app());
                    env.log("commit=" + env.commit());
                    env.log("branch=" + env.branch());
                    env.log("release=" + env.releaseId());
                    env.log("releaseDir=" + env.releaseDir());
                    env.log("buildDir=" + env.buildDir());
                    env.log("first=" + env.firstDeploy());
                    env.log("previous=" + env.previousCommit());
                    env.log("port=" + env.port());
                    env.log("GREETING=" + env.config().get("GREETING"));
                    env.log("two\\nlines");
                }

                public void before_compile(DeployEnv env) {
                    throw new IllegalStateException("boom");
                }

                public void after_compile(DeployEnv env) {
                    env.log("after_compile ran");
                }

                public void before_package(DeployEnv env) {
                    env.config().put("X", "y");
                }

                public void before_make_upgrade_dir(DeployEnv env) {
                    env.run("sh", "-c", "exit 3");
                }

                public void after_make_upgrade_dir(DeployEnv env) {
                    env.run("echo", "hi there");
                    env.run("sh", "-c", "echo \\"$GREETING from $SORTIE_APP in $(pwd -P)\\"");
                }

                public void before_copy_release(DeployEnv env) throws InterruptedException {
                    Thread.sleep(60_000);
                }

                public void on_failure(DeployEnv env, String stepId, Throwable error) {
                    if (stepId.equals("run_bots")) {
                        throw new IllegalStateException("cleanup broke");
                    }
                    env.log("step=" + stepId);
                    env.log("error=" + error.getClass().getSimpleName() + ": " + error.getMessage());
                }
            }
            """;

    @TempDir
    static Path shared;

    private static HookCache.Entry ordered;
    private static HookCache.Entry misbehaving;

    @TempDir
    Path tmp;

    /** Every event, and a readable trace of the ones that show order; steps write into the trace too. */
    private final List<DeployEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> trace = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void compile() throws Exception {
        HookCache cache = new HookCache(shared.resolve("cache"));
        ordered = cache.get(write("ordered", ORDERED), "UpgradeHooks.java");
        misbehaving = cache.get(write("misbehaving", MISBEHAVING), "UpgradeHooks.java");
    }

    private static Path write(String name, String text) throws IOException {
        Path file = shared.resolve(name).resolve("UpgradeHooks.java");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static UpgradeHooksAdapter adapter(HookCache.Entry entry) throws Exception {
        return new UpgradeHooksAdapter(ProjectHooks.load(entry, StepId.ids()));
    }

    private void record(DeployEvent e) {
        events.add(e);
        switch (e) {
            case DeployEvent.Output o -> trace.add(o.step() + "> " + o.line());
            case DeployEvent.HookRan h -> trace.add("ran " + h.step() + "/" + h.hook() + " by " + h.summary());
            case DeployEvent.StepDone d -> trace.add("done " + d.step());
            case DeployEvent.StepFailed f -> trace.add("failed " + f.step());
            default -> {
            }
        }
    }

    private Path buildDir() {
        return tmp.resolve("build");
    }

    private SortieHome home() {
        return new SortieHome(tmp.resolve("home"));
    }

    private DeployContext context(AppConfig config) throws IOException {
        SortieHome home = home();
        Files.createDirectories(buildDir());
        return new DeployContext(new DeployFacts(home, APP, config, ServerConfig.defaults(), COMMIT, "main", RELEASE, buildDir(),
                Optional.empty(), Map.of("GREETING", "hi"), Path.of(System.getProperty("java.home"))),
                new DeployContext.Services(null, null, new ReleaseStore(home.releasesDir(APP), home.current(APP))), WorldChanges.NONE);
    }

    private DeployContext context() throws IOException {
        return context(AppConfig.defaults());
    }

    /** A step that only says it ran. */
    private record TraceStep(StepId id, List<String> trace) implements Step<DeployContext> {
        @Override
        public StepResult run(DeployContext context, Consumer<String> output) {
            trace.add("step:" + id.id());
            return StepResult.of(id.id());
        }
    }

    private PipelineRunner.Outcome runPipeline(UpgradeHooksAdapter hooks, DeployContext ctx) {
        List<Step<DeployContext>> steps = Arrays.stream(StepId.values()).<Step<DeployContext>>map(id -> new TraceStep(id, trace)).toList();
        return new PipelineRunner<>(steps, hooks, this::record).run(ctx);
    }

    /** The failure of calling one before-hook through the adapter. */
    private StepFailure failingBefore(UpgradeHooksAdapter hooks, StepId step, DeployContext ctx) {
        return assertThrows(StepFailure.class, () -> hooks.before(step, ctx, this::record));
    }

    /** 1-based line of the one line of {@code source} that contains {@code text}. */
    private static int lineOf(String source, String text) {
        List<String> lines = source.lines().toList();
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                found.add(i + 1);
            }
        }
        assertEquals(1, found.size(), "fixture: " + text);
        return found.getFirst();
    }

    private static final List<String> ORDERED_TRACE = List.of(
            "deps> hook:before_deps call=1",
            "ran deps/before_deps by UpgradeHooks",
            "step:deps",
            "done deps",
            "deps> hook:after_deps static",
            "ran deps/after_deps by UpgradeHooks",
            "ran compile/before_compile by UpgradeHooks",
            "step:compile",
            "done compile",
            "ran compile/after_compile by UpgradeHooks",
            "package> hook:before_package call=3 quiet=[before_compile, after_compile]",
            "ran package/before_package by UpgradeHooks",
            "step:package",
            "done package",
            "step:make_upgrade_dir",
            "done make_upgrade_dir",
            "make_upgrade_dir> hook:after_make_upgrade_dir call=4",
            "ran make_upgrade_dir/after_make_upgrade_dir by UpgradeHooks",
            "copy_release> hook:before_copy_release call=5",
            "ran copy_release/before_copy_release by UpgradeHooks",
            "step:copy_release",
            "done copy_release",
            "upgrade_service> hook:before_upgrade_service static",
            "ran upgrade_service/before_upgrade_service by UpgradeHooks",
            "step:upgrade_service",
            "done upgrade_service",
            "upgrade_service> hook:after_upgrade_service call=6",
            "ran upgrade_service/after_upgrade_service by UpgradeHooks",
            "step:configure_nginx",
            "done configure_nginx",
            "run_bots> hook:before_run_bots call=7",
            "ran run_bots/before_run_bots by UpgradeHooks",
            "step:run_bots",
            "done run_bots",
            "run_bots> hook:after_run_bots call=8",
            "ran run_bots/after_run_bots by UpgradeHooks");

    @Test
    void hooksRunAroundEachStepInPipelineOrder() throws Exception {
        DeployContext ctx = context();
        PipelineRunner.Outcome outcome = runPipeline(adapter(ordered), ctx);

        assertInstanceOf(PipelineRunner.Outcome.Completed.class, outcome);
        assertEquals(ORDERED_TRACE, trace);
        assertEquals(11, events.stream().filter(e -> e instanceof DeployEvent.HookRan).count());
    }

    @Test
    void everyDeployGetsAFreshInstanceAndFreshStatics() throws Exception {
        // the counters and the static list start over with each load, as with each deploy
        runPipeline(adapter(ordered), context());
        assertEquals(ORDERED_TRACE, trace);
        trace.clear();
        runPipeline(adapter(ordered), context());
        assertEquals(ORDERED_TRACE, trace);
    }

    @Test
    void hookSeesTheDeployItRunsIn() throws Exception {
        DeployContext ctx = context();
        adapter(misbehaving).before(StepId.DEPS, ctx, this::record);

        Path releaseDir = home().releasesDir(APP).resolve(RELEASE).resolve(ReleaseStore.APP_DIR);
        assertEquals(List.of(
                "deps> app=hello",
                "deps> commit=" + COMMIT,
                "deps> branch=main",
                "deps> release=" + RELEASE,
                "deps> releaseDir=" + releaseDir,
                "deps> buildDir=" + buildDir(),
                "deps> first=true",
                "deps> previous=Optional.empty",
                "deps> port=OptionalInt.empty",
                "deps> GREETING=hi",
                "deps> two",
                "deps> lines",
                "ran deps/before_deps by UpgradeHooks"), trace);
    }

    @Test
    void hookCannotChangeTheDeploy() throws Exception {
        DeployContext ctx = context();
        StepFailure f = failingBefore(adapter(misbehaving), StepId.PACKAGE, ctx);

        assertTrue(f.getMessage().startsWith("UpgradeHooks.before_package failed: UnsupportedOperationException"), f.getMessage());
        assertTrue(f.getMessage().contains("read-only"), f.getMessage());
        assertEquals("at UpgradeHooks.before_package(UpgradeHooks.java:" + lineOf(MISBEHAVING, "put(\"X\", \"y\")") + ")",
                f.details().getFirst());
        assertEquals(Map.of("GREETING", "hi"), ctx.appEnv());
        assertEquals(List.of("ran package/before_package by UpgradeHooks FAILED"), trace);
    }

    @Test
    void throwingHookFailsItsStepWithTheHooksOwnFrames() throws Exception {
        DeployContext ctx = context();
        UpgradeHooksAdapter hooks = adapter(misbehaving);
        PipelineRunner.Outcome outcome = runPipeline(hooks, ctx);

        var failed = assertInstanceOf(PipelineRunner.Outcome.Failed.class, outcome);
        assertEquals(StepId.COMPILE, failed.step());
        StepFailure failure = failed.failure();
        assertEquals("UpgradeHooks.before_compile failed: IllegalStateException: boom", failure.getMessage());
        assertTrue(failure.getMessage().contains("before_compile failed: IllegalStateException: boom"));
        // only the hook's own frame: no Sortie, reflection or JDK frames
        assertEquals(List.of("at UpgradeHooks.before_compile(UpgradeHooks.java:" + lineOf(MISBEHAVING, "\"boom\"") + ")"),
                failure.details());
        assertInstanceOf(IllegalStateException.class, failure.getCause());

        // deps and its hook ran; compile never did, nor after_compile, nor any later step
        List<String> afterDeps = trace.subList(trace.indexOf("done deps"), trace.size());
        assertEquals(List.of("done deps", "ran compile/before_compile by UpgradeHooks FAILED", "failed compile"), afterDeps);
        assertTrue(trace.stream().noneMatch(l -> l.contains("after_compile")), trace::toString);
        assertEquals(List.of("step:deps"), trace.stream().filter(l -> l.startsWith("step:")).toList());
        var stepFailed = assertInstanceOf(DeployEvent.StepFailed.class, events.getLast());
        assertEquals(failure.getMessage(), stepFailed.reason());
        assertEquals(failure.details(), stepFailed.details());

        // then on_failure, as the deployer calls it, hears which step failed and why
        events.clear();
        hooks.onFailure(ctx, failed.step(), failure, this::record);
        assertEquals(3, events.size(), events::toString);
        assertEquals(new DeployEvent.Notice("on_failure: step=compile"), events.get(0));
        assertEquals(new DeployEvent.Notice(
                "on_failure: error=StepFailure: UpgradeHooks.before_compile failed: IllegalStateException: boom"), events.get(1));
        var summary = assertInstanceOf(DeployEvent.HookRan.class, events.get(2));
        assertEquals("on_failure", summary.hook());
        assertEquals("UpgradeHooks", summary.summary());
        assertEquals(null, summary.step());
    }

    @Test
    void failingOnFailureIsReportedNotThrown() throws Exception {
        UpgradeHooksAdapter hooks = adapter(misbehaving);
        hooks.onFailure(context(), StepId.RUN_BOTS, new StepFailure("2 of 3 bots failed"), this::record);

        assertEquals(1, events.size(), events::toString);
        var problem = assertInstanceOf(DeployEvent.Problem.class, events.getFirst());
        assertEquals(List.of(
                "on_failure itself failed too (the deploy failure above is the first): "
                        + "UpgradeHooks.on_failure failed: IllegalStateException: cleanup broke",
                "at UpgradeHooks.on_failure(UpgradeHooks.java:" + lineOf(MISBEHAVING, "cleanup broke") + ")"), problem.lines());
    }

    @Test
    void projectWithoutOnFailureGetsNoOnFailureEvents() throws Exception {
        adapter(ordered).onFailure(context(), StepId.DEPS, new StepFailure("x"), this::record);
        assertEquals(List.of(), events);
    }

    @Test
    void commandThatFailsFailsTheHook() throws Exception {
        Requirements.program("sh", "dash");
        StepFailure f = failingBefore(adapter(misbehaving), StepId.MAKE_UPGRADE_DIR, context());

        assertTrue(f.getMessage().startsWith("UpgradeHooks.before_make_upgrade_dir failed: "), f.getMessage());
        assertTrue(f.getMessage().endsWith("exited with code 3"), f.getMessage());
        assertEquals("at UpgradeHooks.before_make_upgrade_dir(UpgradeHooks.java:" + lineOf(MISBEHAVING, "exit 3") + ")",
                f.details().getFirst());
    }

    @Test
    void commandOutputIsStreamedAsTheStepsOutput() throws Exception {
        Requirements.program("echo", "coreutils");
        adapter(misbehaving).after(StepId.MAKE_UPGRADE_DIR, context(), this::record);

        assertEquals(List.of(
                "make_upgrade_dir> hi there",
                "make_upgrade_dir> hi from hello in " + buildDir().toRealPath(),
                "ran make_upgrade_dir/after_make_upgrade_dir by UpgradeHooks"), trace);
    }

    @Test
    void hookThatRunsPastTheTimeoutFailsItsStep() throws Exception {
        AppConfig config = ConfigLoader.parseApp("hooks:\n  timeout: 300ms\n", "sortie.yml");
        assertEquals(Duration.ofMillis(300), config.hooks().timeout());

        StepFailure f = failingBefore(adapter(misbehaving), StepId.COPY_RELEASE, context(config));

        assertTrue(f.getMessage().startsWith("UpgradeHooks.before_copy_release did not finish within 300ms"), f.getMessage());
        assertEquals(List.of("ran copy_release/before_copy_release by UpgradeHooks FAILED"), trace);
    }
}
