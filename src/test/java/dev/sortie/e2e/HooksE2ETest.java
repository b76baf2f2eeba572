package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** A project's UpgradeHooks.java, compiled at deploy time and run around every step of a real push. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HooksE2ETest {

    private static final List<String> HOOKS = List.of("before_deps", "after_deps", "before_compile", "after_compile",
            "before_package", "after_package", "before_make_upgrade_dir", "after_make_upgrade_dir", "before_copy_release",
            "after_copy_release", "before_upgrade_service", "after_upgrade_service", "before_configure_nginx",
            "after_configure_nginx", "before_run_bots", "after_run_bots");

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static Path project;
    static Path markers;

    @BeforeAll
    static void setUp() throws Exception {
        sortie = new InstalledSortie(tmp);
        sortie.sortie("apps", "create", "hooked").assertOk();
        markers = tmp.resolve("markers.txt");
        Files.writeString(sortie.home.resolve("apps/hooked/env"), "MARKERS=" + markers + "\n");
        // the plain single-file app, plus hooks that record every call
        project = sortie.project(Path.of("src/test/resources/fixtures/plain").toAbsolutePath(), "hooked", "hooked",
                Path.of("src/test/resources/fixtures/hooked/UpgradeHooks.java").toAbsolutePath());
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (sortie != null) {
            sortie.close();
        }
    }

    @Test
    @Order(1)
    void hooksRunAroundEveryStepOfAPushAndShowInItsOutput() throws Exception {
        Proc.Result push = sortie.git(project, "push", "production", "main");
        String out = push.output();
        assertEquals(0, push.exit(), out);
        assertTrue(out.contains("remote: -----> hooks             UpgradeHooks.java: before_deps, after_deps"), out);
        assertTrue(out.contains("(compiled)"), out);
        assertTrue(out.contains("remote:        hook says: deploying "), out);
        for (String hook : HOOKS) {
            assertTrue(Pattern.compile("remote:        " + hook + " +UpgradeHooks +\\d+\\.\\ds").matcher(out).find(), hook + " in:\n" + out);
        }
        String release = release(out);
        assertEquals(HOOKS.stream().map(h -> h + " " + release).toList(), Files.readAllLines(markers));
        assertEquals("first release\n\n200", sortie.curl(sortie.url("hooked")).output());
    }

    @Test
    @Order(2)
    void anUnchangedHooksFileIsNotCompiledAgain() throws Exception {
        Files.writeString(project.resolve("message.txt"), "second release\n");
        Proc.Result push = sortie.commitAndPush(project, "second");
        assertEquals(0, push.exit(), push.output());
        assertTrue(push.output().contains("(cached)"), push.output());
        assertEquals("second release\n\n200", sortie.curl(sortie.url("hooked")).output());
    }

    @Test
    @Order(3)
    void aBrokenHooksFileIsRejectedWithJavacDiagnosticsWhileThePreviousReleaseServes() throws Exception {
        String live = liveRelease();
        Path hooks = project.resolve("UpgradeHooks.java");
        String good = Files.readString(hooks);
        Files.writeString(hooks, good.replace("mark(env, \"after_deps\"); }", "mark(env, \"after_deps\") }"));
        Files.writeString(project.resolve("message.txt"), "never served\n");
        Proc.Result push = sortie.commitAndPush(project, "broken hooks");
        String out = push.output();
        assertTrue(out.contains("UpgradeHooks.java does not compile (1 error)"), out);
        Matcher diag = Pattern.compile("UpgradeHooks\\.java:(\\d+):(\\d+): error: ';' expected").matcher(out);
        assertTrue(diag.find(), out);
        int line = Integer.parseInt(diag.group(1));
        assertTrue(Files.readAllLines(hooks).get(line - 1).contains("after_deps"), "the diagnostic points at the broken line");
        assertTrue(out.contains("FAILED before the first step"), out);
        assertTrue(out.contains("The previous release " + live + " is still serving."), out);
        assertFalse(out.contains("-----> deps"), out);
        assertEquals("second release\n\n200", sortie.curl(sortie.url("hooked")).output());
        Files.writeString(hooks, good);
    }

    @Test
    @Order(4)
    void aThrowingHookFailsItsStepStopsTheNewInstanceAndRunsOnFailure() throws Exception {
        String live = liveRelease();
        Files.writeString(sortie.home.resolve("apps/hooked/env"), "MARKERS=" + markers + "\nFAIL_AFTER_UPGRADE=1\n");
        Files.writeString(project.resolve("message.txt"), "third release\n");
        Proc.Result push = sortie.commitAndPush(project, "hook refuses");
        String out = push.output();
        assertTrue(out.contains("-----> upgrade_service   FAILED"), out);
        assertTrue(out.contains("UpgradeHooks.after_upgrade_service failed: IllegalStateException: refusing release on port"), out);
        assertTrue(Pattern.compile("at UpgradeHooks\\.after_upgrade_service\\(UpgradeHooks\\.java:\\d+\\)").matcher(out).find(), out);
        assertFalse(out.contains("dev.sortie."), "no Sortie frames in the hook's stack:\n" + out);
        assertTrue(out.contains("The previous release " + live + " is still serving."), out);
        assertEquals("second release\n\n200", sortie.curl(sortie.url("hooked")).output());
        String lastMarker = Files.readAllLines(markers).getLast();
        assertTrue(lastMarker.startsWith("on_failure upgrade_service "), lastMarker);
        String failed = release(out);
        assertTrue(Files.readString(markers).contains("after_upgrade_service " + failed + "\n"));
        assertFalse(Files.readString(markers).contains("before_configure_nginx " + failed), "no step after the failed one ran");
        String ps = sortie.sortie("ps").assertOk().output();
        assertEquals(1, ps.lines().filter(l -> l.startsWith("hooked ")).count(), "the refused instance was stopped:\n" + ps);
        Files.writeString(sortie.home.resolve("apps/hooked/env"), "MARKERS=" + markers + "\n");
    }

    @Test
    @Order(5)
    void hooksCheckShowsWhatAPushWouldShow() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("check"));
        sortie.sortie("hooks", "init", dir.toString()).assertOk();
        assertTrue(sortie.sortie("hooks", "check", dir.toString()).assertOk().output().contains("UpgradeHooks.java is fine: before_deps"));
        Path file = dir.resolve("UpgradeHooks.java");
        Files.writeString(file, Files.readString(file).replace("before_compile(DeployEnv env)", "before_compiel(DeployEnv env)"));
        Proc.Result check = sortie.sortie("hooks", "check", dir.toString());
        assertEquals(3, check.exit(), check.output());
        assertTrue(check.output().contains("UpgradeHooks.before_compiel: there is no step named \"compiel\" (did you mean before_compile?)"),
                check.output());
    }

    private static String release(String pushOutput) {
        Matcher m = Pattern.compile("deploying \\w+ \\(main\\) as release (\\S+)").matcher(pushOutput);
        assertTrue(m.find(), pushOutput);
        return m.group(1);
    }

    private static String liveRelease() throws Exception {
        return Files.readSymbolicLink(sortie.home.resolve("apps/hooked/current")).getFileName().toString();
    }
}
