package dev.sortie.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ConfigLoader;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.pipeline.StepFailure;
import dev.sortie.release.ReleaseStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** copy_release on real files: what {@code files:} may reach, and what a copy keeps. */
class CopyReleaseStepTest {

    private static final String APP = "shop";
    private static final String RELEASE = "20261121-120000-aaaaaaa";

    @TempDir
    Path tmp;

    private Path build;
    private Path outside;

    @BeforeEach
    void checkoutAndSomethingOutsideIt() throws Exception {
        build = Files.createDirectories(tmp.resolve("builds/" + RELEASE));
        Files.createDirectories(build.resolve("target"));
        Files.writeString(build.resolve("target/app.jar"), "not really a jar");
        outside = Files.createDirectories(tmp.resolve("secrets"));
        Files.writeString(outside.resolve("id_rsa"), "PRIVATE");
    }

    private StepResultAndDir copy(String filesYaml) throws StepFailure {
        AppConfig config = ConfigLoader.parseApp("run: [java, -jar, app.jar]\nfiles: " + filesYaml + "\n", "sortie.yml");
        SortieHome home = new SortieHome(tmp.resolve("home"));
        DeployContext ctx = new DeployContext(new DeployFacts(home, APP, config, ServerConfig.defaults(), "a".repeat(40), "main",
                RELEASE, build, Optional.empty(), Map.of(), Path.of(System.getProperty("java.home"))),
                new DeployContext.Services(null, null, new ReleaseStore(home.releasesDir(APP), home.current(APP))), WorldChanges.NONE);
        ctx.put(new StepOutput.Packaged(build.resolve("target/app.jar")));
        try {
            DirTree.delete(ctx.services().releases().staging(RELEASE)); // what a failed deploy's clean-up does
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        var result = new CopyReleaseStep().run(ctx, line -> { });
        return new StepResultAndDir(result.summary(), home.releasesDir(APP).resolve(RELEASE).resolve(ReleaseStore.APP_DIR));
    }

    private record StepResultAndDir(String summary, Path appDir) {
    }

    @Test
    void aSymlinkedParentDirectoryPointingOutIsRefused() throws Exception {
        Files.createSymbolicLink(build.resolve("config"), outside);

        StepFailure e = assertThrows(StepFailure.class, () -> copy("[config/id_rsa]"));

        assertEquals("files: config/id_rsa leads outside the checkout, to " + outside.toRealPath().resolve("id_rsa")
                + " (through a symlink); Sortie copies only what is in the checkout", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("home/apps/shop/releases/" + RELEASE)), "no release was published");
    }

    @Test
    void aSymlinkedFilePointingOutIsRefusedAndOnePointingInIsCopiedAsItsContent() throws Exception {
        Files.createSymbolicLink(build.resolve("key"), outside.resolve("id_rsa"));
        StepFailure e = assertThrows(StepFailure.class, () -> copy("[key]"));
        assertTrue(e.getMessage().startsWith("files: key leads outside the checkout, to "), e.getMessage());

        Files.writeString(build.resolve("real.yml"), "a: 1\n");
        Files.createSymbolicLink(build.resolve("app.yml"), Path.of("real.yml"));
        Path appDir = copy("[app.yml]").appDir();
        assertFalse(Files.isSymbolicLink(appDir.resolve("app.yml")), "a link to a file the release lacks would dangle");
        assertEquals("a: 1\n", Files.readString(appDir.resolve("app.yml")));
    }

    @Test
    void aSymlinkedArtifactIsCopiedAsItsContentWhenItStaysInside() throws Exception {
        Files.move(build.resolve("target/app.jar"), build.resolve("target/app-1.0.jar"));
        Files.createSymbolicLink(build.resolve("target/app.jar"), Path.of("app-1.0.jar"));
        Path appDir = copy("[]").appDir();
        assertFalse(Files.isSymbolicLink(appDir.resolve("app.jar")));
        assertEquals("not really a jar", Files.readString(appDir.resolve("app.jar")));

        Files.delete(build.resolve("target/app.jar"));
        Files.createSymbolicLink(build.resolve("target/app.jar"), outside.resolve("id_rsa"));
        StepFailure e = assertThrows(StepFailure.class, () -> copy("[]"));
        assertTrue(e.getMessage().startsWith("the artifact target/app.jar leads outside the checkout"), e.getMessage());
    }

    @Test
    void pathsOutsideTheCheckoutByNameAreRefused() {
        // sortie.yml's validation refuses these already; the step does not rely on it
        for (String file : new String[] {"../secrets/id_rsa", "/etc/passwd", "a/../../x", "."}) {
            StepFailure e = assertThrows(StepFailure.class, () -> CopyReleaseStep.insideCheckout(build, file, "files: "), file);
            assertEquals("files: " + file + " is not a path inside the checkout (sortie.yml files: lists paths like "
                    + "config/ or static/logo.png)", e.getMessage());
        }
    }

    @Test
    void theCheckoutsOwnPathMayGoThroughASymlink() throws Exception {
        // the checkout's real path is what counts: a home under a symlinked /tmp still copies
        Path linkedBuilds = Files.createSymbolicLink(tmp.resolve("linked-builds"), tmp.resolve("builds"));
        build = linkedBuilds.resolve(RELEASE);
        Files.createDirectories(build.resolve("static"));
        Files.writeString(build.resolve("static/logo.png"), "png");
        assertEquals("png", Files.readString(copy("[static]").appDir().resolve("static/logo.png")));
    }

    @Test
    void copiesKeepModes() throws Exception {
        Path data = Files.createDirectories(build.resolve("data"));
        Files.writeString(data.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(data.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Path locked = Files.createDirectories(data.resolve("private"));
        Files.writeString(locked.resolve("token"), "t");
        Files.setPosixFilePermissions(locked.resolve("token"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        Path readOnly = Files.createDirectories(data.resolve("frozen"));
        Files.writeString(readOnly.resolve("x"), "x");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));

        Path appDir = copy("[data]").appDir();

        assertEquals("rwxr-x---", mode(appDir.resolve("data/run.sh")));
        assertEquals("rwx------", mode(appDir.resolve("data/private")));
        assertEquals("rw-------", mode(appDir.resolve("data/private/token")));
        assertEquals("r-x------", mode(appDir.resolve("data/frozen")));
        assertEquals("x", Files.readString(appDir.resolve("data/frozen/x")));
        assertEquals(mode(data), mode(appDir.resolve("data")));

        // a release with a read-only directory can still be deleted (retention, destroy)
        DirTree.delete(appDir);
        assertFalse(Files.exists(appDir, LinkOption.NOFOLLOW_LINKS));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void linksInsideACopiedTreeThatPointOutAreRefusedWithThePathNamed() throws Exception {
        Path web = Files.createDirectories(build.resolve("web/assets"));
        Files.createSymbolicLink(web.resolve("key"), outside.resolve("id_rsa"));

        StepFailure e = assertThrows(StepFailure.class, () -> copy("[web]"));

        assertEquals("files: web: assets/key is a symlink to " + outside.resolve("id_rsa") + ", outside web; Sortie copies links"
                + " only when they point inside what it copies (make the link relative, or list what it points to under files:)",
                e.getMessage());

        // A relative link out of the listed directory is refused too: in the release it would point at nothing.
        Files.delete(web.resolve("key"));
        Files.writeString(build.resolve("README"), "r");
        Files.createSymbolicLink(web.resolve("readme"), Path.of("../../README"));
        e = assertThrows(StepFailure.class, () -> copy("[web]"));
        assertTrue(e.getMessage().startsWith("files: web: assets/readme is a symlink to ../../README, outside web;"), e.getMessage());
    }

    @Test
    void linksInsideACopiedTreeStayLinksAndAbsoluteOnesBecomeRelative() throws Exception {
        Path bin = Files.createDirectories(build.resolve("tool/bin"));
        Files.writeString(Files.createDirectories(build.resolve("tool/lib")).resolve("run.js"), "js");
        Files.createSymbolicLink(bin.resolve("run"), Path.of("../lib/run.js"));
        Files.createSymbolicLink(bin.resolve("abs"), build.resolve("tool/lib/run.js"));

        Path appDir = copy("[tool]").appDir();

        assertEquals(Path.of("../lib/run.js"), Files.readSymbolicLink(appDir.resolve("tool/bin/run")));
        assertEquals(Path.of("../lib/run.js"), Files.readSymbolicLink(appDir.resolve("tool/bin/abs")),
                "an absolute link into the build dir would dangle once the build dir is gone");
        assertEquals("js", Files.readString(appDir.resolve("tool/bin/abs")));
    }

    @Test
    void theWholeCheckoutIsCheckedTooWhenNothingWasPackaged() throws Exception {
        Files.createSymbolicLink(build.resolve("leak"), outside);
        AppConfig config = ConfigLoader.parseApp("run: [python3, app.py]\n", "sortie.yml");
        SortieHome home = new SortieHome(tmp.resolve("home"));
        DeployContext ctx = new DeployContext(new DeployFacts(home, APP, config, ServerConfig.defaults(), "a".repeat(40), "main",
                RELEASE, build, Optional.empty(), Map.of(), Path.of(System.getProperty("java.home"))),
                new DeployContext.Services(null, null, new ReleaseStore(home.releasesDir(APP), home.current(APP))), WorldChanges.NONE);

        StepFailure e = assertThrows(StepFailure.class, () -> new CopyReleaseStep().run(ctx, line -> { }));

        assertEquals("leak is a symlink to " + outside + ", outside the checkout; Sortie copies links only when they point"
                + " inside it (put what it points to in the repo, or make it at start)", e.getMessage());
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
