package dev.sortie.cli;

import dev.sortie.config.AppName;
import dev.sortie.config.SortieHome;
import dev.sortie.git.AppRepository;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Called by an app repo's post-update hook with the updated refs; deploys the deploy branch. */
@Command(name = "git-hook", hidden = true, description = "Run by the app repo's post-update hook.")
final class GitHookCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1..*", paramLabel = "REF")
    List<String> refs = List.of();

    @Override
    public Integer call() throws Exception {
        SortieHome home = Homes.current();
        AppRepository repo = DeployRunner.requireApp(home, AppName.require(app));
        PrintStream out = liveOut();
        int exit = ExitCodes.OK;
        for (String ref : refs) {
            if (!ref.startsWith("refs/heads/")) {
                out.println("-----> " + app + ": pushed " + ref + "; only branches deploy, so nothing was deployed.");
                continue;
            }
            String branch = ref.substring("refs/heads/".length());
            var commit = repo.resolve(ref);
            if (commit.isEmpty()) {
                out.println("-----> " + app + ": " + branch + " was deleted; nothing to deploy.");
                continue;
            }
            int code = new DeployRunner(home, out).deploy(app, commit.get(), branch, true);
            exit = Math.max(exit, code);
        }
        return exit;
    }

    /** Standard output flushed at every line, so the pusher sees progress as it happens. */
    static PrintStream liveOut() {
        return new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, java.nio.charset.StandardCharsets.UTF_8);
    }
}
