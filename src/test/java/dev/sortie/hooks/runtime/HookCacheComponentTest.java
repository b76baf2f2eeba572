package dev.sortie.hooks.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.hooks.DeployEnv;
import dev.sortie.hooks.HookException;
import dev.sortie.pipeline.StepId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HookCache} with real javac: what is compiled, what is reused, what is rebuilt, and how a
 * source that does not compile is reported. Every test has its own cache root.
 */
class HookCacheComponentTest {

    private static final String V1 = """
            import dev.sortie.hooks.DeployEnv;

            public class UpgradeHooks {
                public static void before_deps(DeployEnv env) {
                    env.log("version one");
                }
            }
            """;

    private static final String V2 = V1.replace("version one", "version two");

    private static final byte[] CLASS_MAGIC = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE};

    @TempDir
    Path tmp;

    private Path root() {
        return tmp.resolve("cache");
    }

    /** Writes the project's UpgradeHooks.java (the same path every time, as a repo checkout would). */
    private Path source(String text) throws IOException {
        Path file = tmp.resolve("repo").resolve("UpgradeHooks.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static Path classFile(HookCache.Entry entry) {
        return entry.classes().resolve("UpgradeHooks.class");
    }

    /** Loads the entry in a fresh loader and runs its before_deps: the compiled classes really work. */
    private static List<String> runBeforeDeps(HookCache.Entry entry) throws Exception {
        ProjectHooks hooks = ProjectHooks.load(entry, StepId.ids());
        assertEquals(List.of("before_deps"), hooks.names());
        LogEnv env = new LogEnv();
        hooks.call("before_deps", env, Duration.ofSeconds(30));
        return env.lines;
    }

    private List<String> rootListing() throws IOException {
        try (Stream<Path> list = Files.list(root())) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void secondGetOfTheSameSourceIsCachedAndDoesNotRecompile() throws Exception {
        Path src = source(V1);
        HookCache.Entry first = new HookCache(root()).get(src, "UpgradeHooks.java");
        assertFalse(first.cached());
        assertEquals("UpgradeHooks", first.className());
        assertTrue(first.classes().startsWith(root()), first.classes().toString());
        assertArrayEquals(CLASS_MAGIC, Arrays.copyOf(Files.readAllBytes(classFile(first)), 4));
        assertEquals(List.of("version one"), runBeforeDeps(first));

        // a timestamp no compile could produce: a recompile would replace the file and its time
        FileTime marker = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));
        Files.setLastModifiedTime(classFile(first), marker);

        HookCache cache = new HookCache(root());
        HookCache.Entry second = cache.get(src, "UpgradeHooks.java");
        assertTrue(second.cached());
        assertEquals(first.classes(), second.classes());
        assertEquals("UpgradeHooks", second.className());
        assertEquals(marker, Files.getLastModifiedTime(classFile(second)), "the class file was compiled again");

        // the same cache object again, too
        HookCache.Entry third = cache.get(src, "UpgradeHooks.java");
        assertTrue(third.cached());
        assertEquals(marker, Files.getLastModifiedTime(classFile(third)));
        assertEquals(List.of("version one"), runBeforeDeps(third));
    }

    @Test
    void changedSourceGetsItsOwnEntry() throws Exception {
        HookCache cache = new HookCache(root());
        HookCache.Entry one = cache.get(source(V1), "UpgradeHooks.java");
        HookCache.Entry two = cache.get(source(V2), "UpgradeHooks.java");

        assertFalse(two.cached());
        assertNotEquals(one.classes(), two.classes());
        assertEquals(List.of("version two"), runBeforeDeps(two));
        assertEquals(List.of("version one"), runBeforeDeps(one), "the old entry is still intact");

        // and going back to the first text finds the first entry
        HookCache.Entry back = cache.get(source(V1), "UpgradeHooks.java");
        assertTrue(back.cached());
        assertEquals(one.classes(), back.classes());
    }

    @Test
    void corruptedClassFileIsRebuiltNotLoaded() throws Exception {
        Path src = source(V1);
        HookCache cache = new HookCache(root());
        HookCache.Entry first = cache.get(src, "UpgradeHooks.java");
        Files.write(classFile(first), "this is not a class file".getBytes(StandardCharsets.UTF_8));

        HookCache.Entry rebuilt = cache.get(src, "UpgradeHooks.java");
        assertFalse(rebuilt.cached());
        assertEquals(first.classes(), rebuilt.classes());
        assertArrayEquals(CLASS_MAGIC, Arrays.copyOf(Files.readAllBytes(classFile(rebuilt)), 4));
        assertEquals(List.of("version one"), runBeforeDeps(rebuilt));
        assertTrue(cache.get(src, "UpgradeHooks.java").cached(), "the rebuilt entry verifies");
    }

    @Test
    void entryWithoutManifestIsRebuilt() throws Exception {
        Path src = source(V1);
        HookCache cache = new HookCache(root());
        HookCache.Entry first = cache.get(src, "UpgradeHooks.java");
        Path manifest = first.classes().getParent().resolve(HookCache.MANIFEST);
        assertTrue(Files.isRegularFile(manifest), manifest.toString());
        Files.delete(manifest);

        HookCache.Entry rebuilt = cache.get(src, "UpgradeHooks.java");
        assertFalse(rebuilt.cached());
        assertTrue(Files.isRegularFile(manifest));
        assertEquals(List.of("version one"), runBeforeDeps(rebuilt));
        assertTrue(cache.get(src, "UpgradeHooks.java").cached());
    }

    @Test
    void entryWithAnExtraClassFileIsRebuilt() throws Exception {
        Path src = source(V1);
        HookCache cache = new HookCache(root());
        HookCache.Entry first = cache.get(src, "UpgradeHooks.java");
        Path planted = first.classes().resolve("Planted.class");
        Files.write(planted, CLASS_MAGIC);

        HookCache.Entry rebuilt = cache.get(src, "UpgradeHooks.java");
        assertFalse(rebuilt.cached());
        assertFalse(Files.exists(planted), "the rebuilt entry holds only what javac wrote");
        assertEquals(List.of("version one"), runBeforeDeps(rebuilt));
    }

    @Test
    void leftoverTempDirsDoNotBreakAnything() throws Exception {
        Path src = source(V1);
        HookCache cache = new HookCache(root());
        String key = cache.key(Files.readAllBytes(src));
        // one left by an earlier run of this very process id, one by another process
        Path mine = root().resolve(".tmp-" + key + "-" + ProcessHandle.current().pid());
        Path other = root().resolve(".tmp-" + key + "-1");
        for (Path dir : List.of(mine, other)) {
            Files.createDirectories(dir.resolve("classes"));
            Files.writeString(dir.resolve("classes").resolve("UpgradeHooks.class"), "half written");
            Files.writeString(dir.resolve(HookCache.MANIFEST), "class=Nope\n");
        }

        HookCache.Entry entry = cache.get(src, "UpgradeHooks.java");
        assertFalse(entry.cached());
        assertEquals(root().resolve(key).resolve("classes"), entry.classes());
        assertEquals(List.of("version one"), runBeforeDeps(entry));
        assertFalse(Files.exists(mine), "this process's own leftover is cleared before compiling");
        assertTrue(cache.get(src, "UpgradeHooks.java").cached());
    }

    @Test
    void syntaxErrorIsReportedWithLineColumnSourceAndCaret() throws Exception {
        String text = """
                import dev.sortie.hooks.DeployEnv;

                public class UpgradeHooks {
                    public void before_deps(DeployEnv env) {
                        int answer = 6 * ;
                    }
                }
                """;
        Path src = source(text);
        HookCache cache = new HookCache(root());

        HookCompileException e = assertThrows(HookCompileException.class, () -> cache.get(src, "UpgradeHooks.java"));

        assertEquals("UpgradeHooks.java does not compile (1 error)", e.getMessage());
        String bad = "        int answer = 6 * ;";
        assertEquals(bad, text.lines().toList().get(4), "fixture");
        int column = bad.indexOf(';') + 1;
        assertEquals(List.of(
                "UpgradeHooks.java:5:" + column + ": error: illegal start of expression",
                "    " + bad,
                "    " + " ".repeat(column - 1) + "^"), e.details());
        assertTrue(e.details().stream().noneMatch(l -> l.contains(tmp.toString())), "no absolute path: " + e.details());

        // nothing half-made is left: only the extracted API dir
        List<String> listing = rootListing();
        assertEquals(1, listing.size(), listing.toString());
        assertTrue(listing.getFirst().startsWith("api-"), listing.toString());

        // fixing the file compiles it
        Files.writeString(src, V1);
        assertEquals(List.of("version one"), runBeforeDeps(cache.get(src, "UpgradeHooks.java")));
    }

    @Test
    void onlyThePublicApiIsOnTheCompileClasspath() throws Exception {
        // both classes exist and are loadable here, in Sortie's own class path
        assertEquals("dev.sortie.config.AppConfig", dev.sortie.config.AppConfig.class.getName());
        assertEquals("dev.sortie.hooks.runtime.ProjectHooks", ProjectHooks.class.getName());
        String text = """
                import dev.sortie.hooks.DeployEnv;

                public class UpgradeHooks {
                    public void before_deps(DeployEnv env) {
                        env.log(String.valueOf(dev.sortie.config.AppConfig.defaults()));
                        env.log(dev.sortie.hooks.runtime.ProjectHooks.ON_FAILURE);
                    }
                }
                """;
        Path src = source(text);

        HookCompileException e = assertThrows(HookCompileException.class, () -> new HookCache(root()).get(src, "UpgradeHooks.java"));

        assertEquals("UpgradeHooks.java does not compile (2 errors)", e.getMessage());
        assertEquals(6, e.details().size(), e.details()::toString);
        assertTrue(e.details().get(0).startsWith("UpgradeHooks.java:5:"), e.details().get(0));
        assertTrue(e.details().get(0).endsWith(": error: package dev.sortie.config does not exist"), e.details().get(0));
        assertTrue(e.details().get(3).startsWith("UpgradeHooks.java:6:"), e.details().get(3));
        assertTrue(e.details().get(3).endsWith(": error: package dev.sortie.hooks.runtime does not exist"), e.details().get(3));
    }

    @Test
    void fileWithoutAnUpgradeHooksClassIsRejected() throws Exception {
        Path src = source("""
                import dev.sortie.hooks.DeployEnv;

                class Other {
                    public void before_deps(DeployEnv env) {
                    }
                }
                """);

        HookCompileException e = assertThrows(HookCompileException.class, () -> new HookCache(root()).get(src, "UpgradeHooks.java"));

        assertEquals("UpgradeHooks.java must declare a class named UpgradeHooks", e.getMessage());
        assertEquals(1, e.details().size(), e.details()::toString);
        assertTrue(e.details().getFirst().contains("public class UpgradeHooks"), e.details().getFirst());
        List<String> listing = rootListing();
        assertEquals(1, listing.size(), "no entry for a file that is not usable: " + listing);
    }

    @Test
    void emptyClassCompilesAndLoadsWithNoHooks() throws Exception {
        HookCache.Entry entry = new HookCache(root()).get(source("public class UpgradeHooks {\n}\n"), "UpgradeHooks.java");
        ProjectHooks hooks = ProjectHooks.load(entry, StepId.ids());
        assertEquals(List.of(), hooks.names());
        assertFalse(hooks.has("before_deps"));
        assertEquals("UpgradeHooks", hooks.className());
    }

    /** A plain DeployEnv for calling hooks outside a deploy: fixed values, log lines collected. */
    static final class LogEnv implements DeployEnv {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String app() {
            return "hello";
        }

        @Override
        public String commit() {
            return "0123456789abcdef0123456789abcdef01234567";
        }

        @Override
        public Optional<String> previousCommit() {
            return Optional.empty();
        }

        @Override
        public String branch() {
            return "main";
        }

        @Override
        public String releaseId() {
            return "20261121-120000-0123456";
        }

        @Override
        public Path releaseDir() {
            return Path.of("/nonexistent/release");
        }

        @Override
        public Path buildDir() {
            return Path.of("/nonexistent/build");
        }

        @Override
        public OptionalInt port() {
            return OptionalInt.empty();
        }

        @Override
        public Map<String, String> config() {
            return Map.of();
        }

        @Override
        public boolean firstDeploy() {
            return true;
        }

        @Override
        public void log(String message) {
            lines.add(message);
        }

        @Override
        public void run(String... argv) {
            throw new HookException("run() is not available outside a deploy");
        }
    }
}
