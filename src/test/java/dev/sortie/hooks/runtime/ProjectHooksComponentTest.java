package dev.sortie.hooks.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.hooks.runtime.HookCacheComponentTest.LogEnv;
import dev.sortie.pipeline.StepId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProjectHooks} over really compiled UpgradeHooks classes: which methods count as hooks,
 * what is rejected and how, how hooks are called, and what a hook's class loader lets it see.
 * One cache serves the whole class: every source is compiled once.
 */
class ProjectHooksComponentTest {

    /** Generous: a limit the hooks here never approach, not a measurement. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final String FORMS = "accepted forms: public void before_<step>() | public void before_<step>(DeployEnv env)";
    private static final String STEPS = "the steps are: deps, compile, package, make_upgrade_dir, copy_release, upgrade_service,"
            + " configure_nginx, run_bots";

    @TempDir
    static Path shared;

    private static HookCache cache;

    @BeforeAll
    static void cache() throws IOException {
        cache = new HookCache(shared.resolve("cache"));
    }

    /** Compiles {@code text} as UpgradeHooks.java in its own directory named {@code name}. */
    private static HookCache.Entry compile(String name, String text) throws IOException, HookCompileException {
        Path file = shared.resolve("src").resolve(name).resolve("UpgradeHooks.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return cache.get(file, "UpgradeHooks.java");
    }

    private static ProjectHooks load(String name, String text) throws IOException, HookCompileException {
        return ProjectHooks.load(compile(name, text), StepId.ids());
    }

    private static HookCompileException rejected(String name, String text) throws IOException, HookCompileException {
        HookCache.Entry entry = compile(name, text);
        return assertThrows(HookCompileException.class, () -> ProjectHooks.load(entry, StepId.ids()));
    }

    @Test
    void everyAcceptedFormLoadsAndHooksAreListedInRunOrder() throws Exception {
        ProjectHooks hooks = load("forms", """
                import dev.sortie.hooks.DeployEnv;

                public class UpgradeHooks {
                    private int calls;

                    public static void after_run_bots(DeployEnv env) {
                        env.log("after_run_bots: static with env");
                    }

                    public void on_failure(DeployEnv env, String stepId, Throwable error) {
                        env.log("on_failure: step=" + stepId + " error=" + error.getMessage() + " calls=" + calls);
                    }

                    public void after_deps() {
                        calls++;
                    }

                    public void before_deps(DeployEnv env) {
                        calls++;
                        env.log("before_deps: instance with env, calls=" + calls);
                    }

                    public static void before_compile() {
                    }

                    public void after_package(DeployEnv env) {
                        env.log("after_package: calls=" + calls);
                    }

                    public void helper(DeployEnv env) {
                        env.log("not a hook");
                    }

                    private static String format(String s) {
                        return s;
                    }
                }
                """);

        assertEquals(List.of("before_deps", "after_deps", "before_compile", "after_package", "after_run_bots", "on_failure"),
                hooks.names());
        assertEquals("UpgradeHooks", hooks.className());
        assertFalse(hooks.has("helper"));
        assertFalse(hooks.has("before_package"));

        LogEnv env = new LogEnv();
        hooks.call("before_deps", env, TIMEOUT);
        hooks.call("after_deps", env, TIMEOUT); // zero-arg instance method: counts on the same instance
        hooks.call("before_compile", env, TIMEOUT);
        hooks.call("before_package", env, TIMEOUT); // not defined: nothing happens
        hooks.call("helper", env, TIMEOUT); // not a hook: never called
        hooks.call("after_package", env, TIMEOUT);
        hooks.call("after_run_bots", env, TIMEOUT);
        hooks.onFailure(env, "compile", new IllegalStateException("broken build"), TIMEOUT);

        assertEquals(List.of(
                "before_deps: instance with env, calls=1",
                "after_package: calls=2",
                "after_run_bots: static with env",
                "on_failure: step=compile error=broken build calls=2"), env.lines);
    }

    @Test
    void onFailureAlsoTakesNoArgumentsOrJustTheEnv() throws Exception {
        ProjectHooks none = load("failure0", """
                public class UpgradeHooks {
                    public static int runs;

                    public static void on_failure() {
                        runs++;
                    }

                    public static void after_deps(dev.sortie.hooks.DeployEnv env) {
                        env.log("on_failure ran " + runs + " time(s)");
                    }
                }
                """);
        LogEnv env = new LogEnv();
        none.onFailure(env, "deps", new RuntimeException("x"), TIMEOUT);
        none.call("after_deps", env, TIMEOUT);
        assertEquals(List.of("on_failure ran 1 time(s)"), env.lines);

        ProjectHooks one = load("failure1", """
                public class UpgradeHooks {
                    public void on_failure(dev.sortie.hooks.DeployEnv env) {
                        env.log("on_failure for " + env.app());
                    }
                }
                """);
        LogEnv env1 = new LogEnv();
        one.onFailure(env1, "deps", new RuntimeException("x"), TIMEOUT);
        assertEquals(List.of("on_failure for hello"), env1.lines);
    }

    @Test
    void unusableHooksAreAllReportedWithTheFix() throws Exception {
        HookCompileException e = rejected("unusable", """
                import dev.sortie.hooks.DeployEnv;

                public class UpgradeHooks {
                    public void before_compiel(DeployEnv env) {
                    }

                    public void after_everything() {
                    }

                    public void before_deps(DeployEnv env, String extra) {
                    }

                    void after_deps(DeployEnv env) {
                    }

                    public void on_failure(String stepId) {
                    }

                    public void after_package(DeployEnv env) {
                    }
                }
                """);

        assertEquals("UpgradeHooks has 5 unusable hooks", e.getMessage());
        List<String> d = e.details();
        assertEquals(5, d.size(), d::toString);
        // sorted, so the report is the same on every run
        assertTrue(d.get(0).startsWith("UpgradeHooks.after_deps: must be public; " + FORMS), d.get(0));
        assertEquals("UpgradeHooks.after_everything: there is no step named \"everything\"; " + STEPS, d.get(1));
        assertEquals("UpgradeHooks.before_compiel: there is no step named \"compiel\" (did you mean before_compile?); " + STEPS, d.get(2));
        assertTrue(d.get(3).startsWith("UpgradeHooks.before_deps: unusable parameters (DeployEnv, String); "
                + FORMS), d.get(3));
        assertTrue(d.get(4).startsWith("UpgradeHooks.on_failure: unusable parameters "), d.get(4));
        assertTrue(d.get(4).contains("(String)"), d.get(4));
        assertTrue(d.get(4).endsWith("accepted forms: public void on_failure() | on_failure(DeployEnv env)"
                + " | on_failure(DeployEnv env, String stepId, Throwable error)"), d.get(4));
    }

    @Test
    void singleUnusableHookIsNamedInTheMessage() throws Exception {
        HookCompileException e = rejected("private", """
                public class UpgradeHooks {
                    private static void before_deps() {
                    }
                }
                """);
        assertEquals("UpgradeHooks has 1 unusable hook", e.getMessage());
        assertEquals(1, e.details().size());
        assertTrue(e.details().getFirst().startsWith("UpgradeHooks.before_deps: must be public; " + FORMS), e.details().getFirst());
    }

    @Test
    void instanceHooksNeedAPublicClass() throws Exception {
        HookCompileException e = rejected("hidden-class", """
                class UpgradeHooks {
                    public void before_deps() {
                    }
                }
                """);
        assertEquals(List.of("UpgradeHooks: the class must be public to call its instance methods (or make the hooks static)"),
                e.details());
    }

    @Test
    void staticHooksWorkInAClassThatIsNotPublic() throws Exception {
        ProjectHooks hooks = load("hidden-static", """
                import dev.sortie.hooks.DeployEnv;

                class UpgradeHooks {
                    public static void before_deps(DeployEnv env) {
                        env.log("static hook in a package-private class");
                    }
                }
                """);
        LogEnv env = new LogEnv();
        hooks.call("before_deps", env, TIMEOUT);
        assertEquals(List.of("static hook in a package-private class"), env.lines);
    }

    @Test
    void instanceHooksNeedAUsableConstructor() throws Exception {
        HookCompileException noDefault = rejected("ctor-args", """
                public class UpgradeHooks {
                    public UpgradeHooks(String name) {
                    }

                    public void before_deps() {
                    }
                }
                """);
        assertEquals("UpgradeHooks needs a public no-argument constructor for its instance methods", noDefault.getMessage());

        HookCompileException throwing = rejected("ctor-throws", """
                public class UpgradeHooks {
                    public UpgradeHooks() {
                        throw new IllegalStateException("not today");
                    }

                    public void before_deps() {
                    }
                }
                """);
        assertEquals("UpgradeHooks's constructor threw IllegalStateException: not today", throwing.getMessage());
    }

    @Test
    void emptyClassHasNoHooksAndEveryCallIsANoOp() throws Exception {
        ProjectHooks hooks = load("empty", "public class UpgradeHooks {\n}\n");
        assertEquals(List.of(), hooks.names());
        LogEnv env = new LogEnv();
        for (String step : StepId.ids()) {
            hooks.call("before_" + step, env, TIMEOUT);
            hooks.call("after_" + step, env, TIMEOUT);
        }
        hooks.onFailure(env, "deps", new RuntimeException("x"), TIMEOUT);
        assertEquals(List.of(), env.lines);
    }

    @Test
    void hookCodeSeesTheApiButNotSortieInternals() throws Exception {
        // the internals exist: only the hooks' class loader hides them
        assertEquals("dev.sortie.cli.Main", Class.forName("dev.sortie.cli.Main").getName());
        ProjectHooks hooks = load("isolation", """
                import dev.sortie.hooks.DeployEnv;
                import dev.sortie.hooks.HookException;

                public class UpgradeHooks {
                    public void before_deps(DeployEnv env) throws Exception {
                        Class.forName("dev.sortie.cli.Main");
                    }

                    public void before_compile(DeployEnv env) throws Exception {
                        Thread.currentThread().getContextClassLoader().loadClass("dev.sortie.hooks.runtime.ProjectHooks");
                    }

                    public void before_package(DeployEnv env) throws Exception {
                        env.log(Class.forName("dev.sortie.hooks.HookException").getName());
                        env.log(getClass().getClassLoader().getName() + " <- " + getClass().getClassLoader().getParent().getName());
                        throw new HookException("a clear message from the hook");
                    }
                }
                """);
        LogEnv env = new LogEnv();

        HookFailed internal = assertThrows(HookFailed.class, () -> hooks.call("before_deps", env, TIMEOUT));
        assertEquals("before_deps failed: ClassNotFoundException: dev.sortie.cli.Main", internal.getMessage());
        assertTrue(internal.getCause() instanceof ClassNotFoundException, String.valueOf(internal.getCause()));
        assertEquals("at UpgradeHooks.before_deps(UpgradeHooks.java:6)", internal.details().getFirst());

        HookFailed runtime = assertThrows(HookFailed.class, () -> hooks.call("before_compile", env, TIMEOUT));
        assertEquals("before_compile failed: ClassNotFoundException: dev.sortie.hooks.runtime.ProjectHooks", runtime.getMessage());

        // the API is Sortie's own class: HookException thrown by the hook is recognised as one and its message shown as is
        HookFailed api = assertThrows(HookFailed.class, () -> hooks.call("before_package", env, TIMEOUT));
        assertEquals("before_package failed: a clear message from the hook", api.getMessage());
        assertSame(dev.sortie.hooks.HookException.class, api.getCause().getClass());
        assertEquals(List.of("dev.sortie.hooks.HookException", "sortie-hooks <- sortie-hooks-api"), env.lines);
    }

    private static final String COUNTER_A = """
            import dev.sortie.hooks.DeployEnv;

            public class UpgradeHooks {
                static int counter;

                public static void before_deps(DeployEnv env) {
                    counter++;
                    env.log("A counter=" + counter);
                }
            }
            """;

    private static final String COUNTER_B = """
            import dev.sortie.hooks.DeployEnv;

            public class UpgradeHooks {
                static int counter;

                public static void before_deps(DeployEnv env) {
                    counter += 10;
                    env.log("B counter=" + counter);
                }
            }
            """;

    /** Calls before_deps twice on one load, as two hooks of one deploy share static state. */
    private static List<String> twice(ProjectHooks hooks) throws HookFailed {
        LogEnv env = new LogEnv();
        hooks.call("before_deps", env, TIMEOUT);
        hooks.call("before_deps", env, TIMEOUT);
        return env.lines;
    }

    @Test
    void everyLoadIsAFreshClassWithFreshStaticState() throws Exception {
        HookCache.Entry a = compile("counter-a", COUNTER_A);
        HookCache.Entry b = compile("counter-b", COUNTER_B);
        assertNotEquals(a.classes(), b.classes());
        assertEquals(a.className(), b.className());

        ProjectHooks a1 = ProjectHooks.load(a, StepId.ids());
        ProjectHooks b1 = ProjectHooks.load(b, StepId.ids());
        ProjectHooks a2 = ProjectHooks.load(a, StepId.ids());
        ProjectHooks b2 = ProjectHooks.load(b, StepId.ids());

        // interleaved: no load sees another's counter
        assertEquals(List.of("A counter=1", "A counter=2"), twice(a1));
        assertEquals(List.of("B counter=10", "B counter=20"), twice(b1));
        assertEquals(List.of("A counter=1", "A counter=2"), twice(a2));
        assertEquals(List.of("B counter=10", "B counter=20"), twice(b2));
        // and within one load the state is kept
        assertEquals(List.of("A counter=3", "A counter=4"), twice(a1));
    }

    @Test
    void hookThatDoesNotReturnInTimeFails() throws Exception {
        ProjectHooks hooks = load("slow", """
                public class UpgradeHooks {
                    public static void before_deps() throws InterruptedException {
                        Thread.sleep(60_000);
                    }

                    public static void after_deps(dev.sortie.hooks.DeployEnv env) {
                        env.log("still usable");
                    }
                }
                """);
        HookFailed e = assertThrows(HookFailed.class, () -> hooks.call("before_deps", new LogEnv(), Duration.ofMillis(500)));
        assertEquals("before_deps did not finish within 500ms (hooks.timeout in sortie.yml sets the limit)", e.getMessage());
        assertNull(e.getCause());
        assertEquals(List.of("at UpgradeHooks.before_deps(UpgradeHooks.java:3)"), e.details(), "where the hook was stuck");

        LogEnv env = new LogEnv();
        hooks.call("after_deps", env, TIMEOUT);
        assertEquals(List.of("still usable"), env.lines);
    }
}
