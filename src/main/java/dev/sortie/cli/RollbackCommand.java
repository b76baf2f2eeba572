package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.app.StoredDeploys;
import dev.sortie.config.AppName;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sortie rollback NAME [RELEASE]}: an earlier release back live, code and config, without a rebuild. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Put an earlier release back live, exactly as it was (its files and its config), without a rebuild.",
            "It runs upgrade_service, configure_nginx and run_bots on the stored release, with that release's hooks and smoke bots.",
            "With a standby (standby: in sortie.yml or the server config) it only switches nginx.",
            "See what you can roll back to: sortie releases NAME"})
final class RollbackCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "RELEASE", arity = "0..1",
            description = "Release id (or a unique start of one) to go back to; default: the release live before the current one.")
    String release;

    @Override
    public Integer call() throws Exception {
        Deploys deploys = new Deploys(Homes.sortie());
        String id = new StoredDeploys(Homes.sortie()).rollback(AppName.require(name), release, Apps.user());
        return new DeployRunner(deploys, System.out).follow(name, id);
    }
}
