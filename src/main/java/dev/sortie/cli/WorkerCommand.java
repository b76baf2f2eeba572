package dev.sortie.cli;

import dev.sortie.app.Worker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code sortie deploy-worker}: the process the daemon runs one deploy in. Not for people. */
@Command(name = "deploy-worker", hidden = true, description = "Run one deploy for the sortie server (it starts these itself).")
final class WorkerCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        return Worker.run(Homes.sortie());
    }
}
