package dev.sortie.cli;

import dev.sortie.app.StoredDeploys;
import dev.sortie.config.AppName;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sortie stop NAME}: the app stops serving until {@code sortie start} or a deploy. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stop an app: its nginx site goes (its names answer 404), its instances drain and stop.",
            "It stays stopped across server restarts, until sortie start NAME or a deploy puts a release live."})
final class StopCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
        System.out.println(new StoredDeploys(Homes.sortie()).stop(AppName.require(name), Apps.user()));
        return ExitCodes.OK;
    }
}
