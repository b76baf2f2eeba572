package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.app.StoredDeploys;
import dev.sortie.config.AppName;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sortie restart NAME}: a fresh instance of the live release, switched to with zero downtime. */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Restart an app with zero downtime: a new instance of the live release, switched to once healthy.",
            "The old instance drains, then stops. It is a deploy of kind restart, with the release's hooks and smoke bots."})
final class RestartCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
        String id = new StoredDeploys(Homes.sortie()).restart(AppName.require(name), Apps.user());
        return new DeployRunner(new Deploys(Homes.sortie()), System.out).follow(name, id);
    }
}
