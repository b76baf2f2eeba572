package dev.sortie.cli;

import dev.sortie.config.AppName;
import dev.sortie.app.Deploys;
import dev.sortie.app.Sortie;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie url NAME}: where the live app answers through nginx. */
@Command(name = "url", mixinStandardHelpOptions = true, description = "Print the URL where the app answers through nginx (usable with curl).")
final class UrlCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME")
    String name;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Sortie sortie = Homes.sortie();
        Apps.require(new Deploys(sortie), AppName.require(name));
        var config = Homes.liveConfig(sortie, name).orElseThrow(() -> new UserError(ExitCodes.UNAVAILABLE,
                name + " has not been deployed yet (push to deploy: git push production " + Homes.deployBranch(sortie, name) + ")"));
        spec.commandLine().getOut().println(sortie.url(name, config));
        return ExitCodes.OK;
    }
}
