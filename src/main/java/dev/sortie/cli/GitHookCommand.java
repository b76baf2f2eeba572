package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.config.AppName;
import dev.sortie.git.AppRepository;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        Deploys deploys = new Deploys(Homes.sortie());
        AppRepository repo = Apps.require(deploys, AppName.require(app));
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
            String deployBranch = deploys.deployBranch(app, commit.get());
            if (!branch.equals(deployBranch)) {
                out.println("-----> " + app + ": pushed " + branch + "; only " + deployBranch + " deploys, so nothing was deployed.");
                continue;
            }
            String id = deploys.enqueue(app, commit.get(), branch, "push", Apps.user());
            int code = new DeployRunner(deploys, out).follow(app, id);
            if (code != ExitCodes.OK) {
                out.println("=====> The push was accepted, but its deploy failed: the branch is ahead of what is live."
                        + " See: sortie releases " + app);
            }
            exit = Math.max(exit, code);
        }
        return exit;
    }

    /** Standard output flushed at every line, so the pusher sees progress as it happens. */
    static PrintStream liveOut() {
        return new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    }
}
