package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.app.Sortie;
import dev.sortie.config.AppName;
import dev.sortie.git.AppRepository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sortie deploy NAME [REF]}: the push pipeline for a commit already in the app's repo. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Deploy a commit already in the app's repo, with the same pipeline and output as a push.",
            "The deploy runs in the sortie server: Ctrl-C stops following it, not the deploy (cancel: sortie deploys cancel)."})
final class DeployCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "REF", arity = "0..1",
            description = "Branch, tag or commit to deploy (default: the app's deploy branch, main unless sortie.yml says branch:).")
    String ref;

    @Override
    public Integer call() throws Exception {
        Sortie sortie = Homes.sortie();
        Deploys deploys = new Deploys(sortie);
        AppRepository repo = Apps.require(deploys, AppName.require(name));
        if (ref == null) {
            ref = Homes.deployBranch(sortie, name);
        }
        String commit = repo.resolve(ref).orElseThrow(() -> new UserError(ExitCodes.UNAVAILABLE,
                "no commit " + ref + " in " + name + "'s repo (push it first: git push production " + ref + ")"));
        // a branch or tag is shown by name; a bare commit id as "detached"
        String branch = commit.startsWith(ref) && repo.resolve("refs/heads/" + ref).isEmpty() ? "detached" : ref;
        String id = deploys.deploy(name, commit, branch, Apps.user());
        return new DeployRunner(deploys, GitHookCommand.liveOut()).follow(name, id);
    }
}
