package dev.sortie.cli;

import dev.sortie.config.AppName;
import dev.sortie.config.SortieHome;
import dev.sortie.git.AppRepository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie deploy NAME [REF]}: the push pipeline for a commit already in the app's repo. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy a commit already in the app's repo, with the same pipeline and output as a push.")
final class DeployCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "REF", defaultValue = "main",
            description = "Branch, tag or commit to deploy (default: ${DEFAULT-VALUE}).")
    String ref;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SortieHome home = Homes.current();
        AppRepository repo = DeployRunner.requireApp(home, AppName.require(name));
        String commit = repo.resolve(ref).orElseThrow(() -> new UserError(ExitCodes.UNAVAILABLE,
                "no commit " + ref + " in " + name + "'s repo (push it first: git push production " + ref + ")"));
        // a branch or tag is shown by name; a bare commit id as "detached"
        String branch = commit.startsWith(ref) && repo.resolve("refs/heads/" + ref).isEmpty() ? "detached" : ref;
        return new DeployRunner(home, GitHookCommand.liveOut()).deploy(name, commit, branch, false);
    }
}
