package dev.sortie.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ConfigException;
import dev.sortie.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pushed sortie.yml larger than JGit's streaming threshold is read, so its reader can name the size limit. */
class LargeFileReadComponentTest {

    @TempDir
    Path dir;

    @Test
    void aSixtyMegabyteSortieYmlGetsTheSizeLimitNotLargeObjectException() throws Exception {
        String commit;
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Path yml = dir.resolve("sortie.yml");
            try (var out = Files.newBufferedWriter(yml)) {
                out.write("branch: main\n");
                String line = "# " + "x".repeat(1021) + "\n";
                for (int i = 0; i < 60 * 1024; i++) {
                    out.write(line);
                }
            }
            git.add().addFilepattern("sortie.yml").call();
            PersonIdent who = new PersonIdent("Sortie Test", "test@sortie.invalid");
            commit = git.commit().setMessage("huge").setAuthor(who).setCommitter(who).call().getName();
            Files.delete(yml);
        }
        Optional<String> text = new AppRepository(dir.resolve(".git")).readFile(commit, "sortie.yml");
        assertTrue(text.isPresent());
        assertEquals(60L * 1024 * 1024 + "branch: main\n".length(), text.get().length());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parseApp(text.get(), "sortie.yml"));
        assertEquals("sortie.yml: the file is 60.0 MiB, over the 1 MiB limit for a config file; it should hold settings only", e.getMessage());
    }
}
