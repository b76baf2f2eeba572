package dev.sortie.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.Proc;
import dev.sortie.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An app's bare repository, created by Sortie and pushed to with the real git. */
class AppRepositoryComponentTest {

    @TempDir
    Path dir;

    private String git;
    private Path bare;
    private Path home;
    private Path hookLog;
    private Path recorder;
    private Map<String, String> hookValues;

    @BeforeEach
    void setUp() throws IOException {
        git = Requirements.git();
        bare = dir.resolve("repos").resolve("shop.git");
        home = Files.createDirectories(dir.resolve("o'brien's home"));
        hookLog = dir.resolve("hook.log");
        // Stands in for the sortie launcher: records how the hook called it.
        Path bin = Files.createDirectories(dir.resolve("bin dir"));
        recorder = bin.resolve("sortie");
        Files.writeString(recorder, "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '" + hookLog + "'\necho \"SORTIE_HOME=$SORTIE_HOME\" >> '" + hookLog + "'\n");
        Files.setPosixFilePermissions(recorder, PosixFilePermissions.fromString("rwxr-xr-x"));
        hookValues = Map.of(
                "SORTIE_HOME", AppRepository.shellWord(home.toString()),
                "SORTIE_COMMAND", AppRepository.shellWord(recorder.toString()),
                "APP", AppRepository.shellWord("shop"));
    }

    private Map<String, String> gitEnv() {
        return Map.of(
                "GIT_AUTHOR_NAME", "Sortie Test", "GIT_AUTHOR_EMAIL", "test@sortie.invalid",
                "GIT_COMMITTER_NAME", "Sortie Test", "GIT_COMMITTER_EMAIL", "test@sortie.invalid",
                "GIT_CONFIG_GLOBAL", "/dev/null", "GIT_CONFIG_NOSYSTEM", "1");
    }

    private String git(Path in, String... args) throws Exception {
        var argv = new java.util.ArrayList<String>();
        argv.add(git);
        argv.addAll(List.of(args));
        return Proc.run(in, gitEnv(), 30, argv).assertOk().output();
    }

    /** A work tree with a plain file, sortie.yml, an executable script, a symlink and a nested dir, committed on main. */
    private String commitApp(Path work) throws Exception {
        Files.createDirectories(work);
        git(work, "init", "-q", "-b", "main");
        Files.writeString(work.resolve("README.md"), "hello\n");
        Files.writeString(work.resolve("sortie.yml"), "run: ./start\n");
        Path start = work.resolve("start");
        Files.writeString(start, "#!/bin/sh\necho started\n");
        Files.setPosixFilePermissions(start, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(work.resolve("readme-link"), Path.of("README.md"));
        Path deep = Files.createDirectories(work.resolve("src/main/deep"));
        Files.writeString(deep.resolve("file.txt"), "deep\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "first commit");
        return git(work, "rev-parse", "HEAD").strip();
    }

    @Test
    void createMakesABareRepoWithTheHookFilledIn() throws Exception {
        AppRepository repo = AppRepository.create(bare, "main", hookValues);

        assertEquals(bare, repo.dir());
        assertTrue(Files.isRegularFile(bare.resolve("HEAD")));
        assertEquals("ref: refs/heads/main", Files.readString(bare.resolve("HEAD")).strip());
        assertEquals("true", git(bare, "config", "core.bare").strip());
        Path hook = bare.resolve("hooks").resolve("post-update");
        assertTrue(Files.isExecutable(hook));
        assertTrue(Files.getPosixFilePermissions(hook).containsAll(List.of(PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE)));
        String text = Files.readString(hook);
        assertTrue(text.startsWith("#!/bin/sh\n"), text);
        assertTrue(text.contains("SORTIE_HOME='" + dir + "/o'\\''brien'\\''s home'\n"), text);
        assertTrue(text.contains("exec '" + recorder + "' git-hook 'shop' \"$@\""), text);
        assertFalse(text.matches("(?s).*@[A-Z_]+@.*"), "a placeholder was left unfilled:\n" + text);
        assertFalse(Files.exists(bare.resolve("hooks").resolve(".post-update.tmp")));
    }

    @Test
    void createAgainReinstallsTheHook() throws Exception {
        AppRepository.create(bare, "main", hookValues);
        AppRepository.create(bare, "main", Map.of(
                "SORTIE_HOME", AppRepository.shellWord("/srv/other"),
                "SORTIE_COMMAND", AppRepository.shellWord("/opt/sortie/bin/sortie"),
                "APP", AppRepository.shellWord("shop")));

        String text = Files.readString(bare.resolve("hooks").resolve("post-update"));
        assertTrue(text.contains("SORTIE_HOME='/srv/other'\n"), text);
        assertTrue(text.contains("exec '/opt/sortie/bin/sortie' git-hook 'shop'"), text);
    }

    @Test
    void pushedCommitsResolveReadAndCheckOut() throws Exception {
        AppRepository repo = AppRepository.create(bare, "main", hookValues);
        String commit = commitApp(dir.resolve("work"));

        git(dir.resolve("work"), "push", "-q", bare.toString(), "main");

        assertEquals(Optional.of(commit), repo.resolve("main"));
        assertEquals(Optional.of(commit), repo.resolve("refs/heads/main"));
        assertEquals(Optional.of(commit), repo.resolve(commit.substring(0, 12)));
        assertEquals(Optional.empty(), repo.resolve("nope"));

        assertEquals(Optional.of("run: ./start\n"), repo.readFile(commit, "sortie.yml"));
        assertEquals(Optional.of("deep\n"), repo.readFile(commit, "src/main/deep/file.txt"));
        assertEquals(Optional.empty(), repo.readFile(commit, "Procfile"));
        assertEquals(Optional.empty(), repo.readFile(commit, "src/main"), "a directory is not a file");
        assertEquals(Optional.empty(), repo.readFile(commit, "readme-link"), "a symlink is not a file");

        Path target = dir.resolve("build");
        int files = repo.checkout(commit, target);

        assertEquals(5, files);
        assertEquals("hello\n", Files.readString(target.resolve("README.md")));
        assertEquals("run: ./start\n", Files.readString(target.resolve("sortie.yml")));
        assertEquals("deep\n", Files.readString(target.resolve("src/main/deep/file.txt")));
        assertEquals("#!/bin/sh\necho started\n", Files.readString(target.resolve("start")));
        assertTrue(Files.isExecutable(target.resolve("start")));
        assertFalse(Files.getPosixFilePermissions(target.resolve("README.md")).contains(PosixFilePermission.OWNER_EXECUTE));
        Path link = target.resolve("readme-link");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(Path.of("README.md"), Files.readSymbolicLink(link));
        assertEquals("hello\n", Files.readString(link));
        assertTrue(Files.isRegularFile(target.resolve("README.md"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("started\n", Proc.run(target, Map.of(), 10, List.of("./start")).assertOk().output());
    }

    @Test
    void pushingRunsTheInstalledHookWithTheAppAndRef() throws Exception {
        AppRepository.create(bare, "main", hookValues);
        commitApp(dir.resolve("work"));

        git(dir.resolve("work"), "push", "-q", bare.toString(), "main");

        assertTrue(Files.exists(hookLog), "the post-update hook did not call SORTIE_COMMAND");
        assertEquals(List.of("git-hook", "shop", "refs/heads/main", "SORTIE_HOME=" + home), Files.readAllLines(hookLog));
    }

    @Test
    void eachHookModeInstallsItsOwnFilesAndRemovesTheOthers() throws Exception {
        AppRepository repo = AppRepository.create(bare, "main", hookValues);
        Path hooks = bare.resolve("hooks");
        for (String file : List.of("post-update", "sortie-push")) {
            assertTrue(Files.isExecutable(hooks.resolve(file)), file);
        }
        repo.installHooks(AppRepository.HookMode.GATE, hookValues);
        assertTrue(Files.isExecutable(hooks.resolve("pre-receive")));
        assertFalse(Files.exists(hooks.resolve("post-update")), "post-update would deploy a second time");
        assertFalse(Files.exists(hooks.resolve("sortie-push")));
        repo.installHooks(AppRepository.HookMode.AFTER_PUSH, hookValues);
        assertFalse(Files.exists(hooks.resolve("pre-receive")));
        assertTrue(Files.isExecutable(hooks.resolve("sortie-push")));
    }
}
