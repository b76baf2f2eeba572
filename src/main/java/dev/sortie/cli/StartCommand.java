package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.app.StoredDeploys;
import dev.sortie.config.AppName;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sortie start NAME}: a stopped app's live release serves again. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start an app stopped with sortie stop: its live release starts, passes its health check and gets its site back.")
final class StartCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
        StoredDeploys stored = new StoredDeploys(Homes.sortie());
        String app = AppName.require(name);
        if (!stored.stopped(app)) {
            System.out.println(app + " was not stopped; starting its live release anyway (as sortie restart " + app + " would).");
        }
        String id = stored.start(app, Apps.user());
        return new DeployRunner(new Deploys(Homes.sortie()), System.out).follow(app, id);
    }
}
