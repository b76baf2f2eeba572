package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.app.StoredDeploys;
import dev.sortie.config.AppConfig;
import dev.sortie.config.AppName;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sortie scale NAME N}: N instances of the live release behind the app's nginx upstream. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = {"Run N instances of the app behind one nginx upstream, with zero downtime.",
            "It restarts the live release with N instances; nginx retries a request on another instance when one fails to",
            "answer. The count overrides sortie.yml's instances: until you clear it: sortie apps set NAME instances="})
final class ScaleCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "N", description = "How many instances, 1 to " + AppConfig.MAX_INSTANCES + ".")
    int count;

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > AppConfig.MAX_INSTANCES) {
            throw new UserError(ExitCodes.USAGE, "N must be from 1 to " + AppConfig.MAX_INSTANCES + ", got " + count);
        }
        String app = AppName.require(name);
        String id = new StoredDeploys(Homes.sortie()).scale(app, count, Apps.user());
        return new DeployRunner(new Deploys(Homes.sortie()), System.out).follow(app, id);
    }
}
