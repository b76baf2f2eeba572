package dev.sortie.cli;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ConfigException;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.deploy.Deployer;
import dev.sortie.git.AppRepository;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;

/** What {@code sortie deploy} and a push share: check the app, load its config at the commit, run the deploy, render it. */
final class DeployRunner {

    private final SortieHome home;
    private final PrintStream out;

    DeployRunner(SortieHome home, PrintStream out) {
        this.home = home;
        this.out = out;
    }

    static AppRepository requireApp(SortieHome home, String app) {
        if (!Files.isDirectory(home.repo(app))) {
            throw new UserError(ExitCodes.UNAVAILABLE, "no app named " + app + " in " + home.root()
                    + " (create it: sortie apps create " + app + ")");
        }
        return new AppRepository(home.repo(app));
    }

    /**
     * Deploys a resolved commit. With {@code onlyBranch} set, a commit whose sortie.yml names another
     * deploy branch is not deployed: one line says so.
     *
     * @return the exit code
     */
    int deploy(String app, String commit, String branch, boolean onlyDeployBranch) throws IOException {
        AppRepository repo = requireApp(home, app);
        ServerConfig server = dev.sortie.config.ConfigLoader.loadServer(home.serverConfig());
        ServerControl control = new ServerControl(home);
        try (PushOutput output = new PushOutput(out, id -> home.logsDir(app).resolve("deploy-" + id + ".log"))) {
            AppConfig config;
            try {
                config = Deployer.configAt(repo, commit);
            } catch (ConfigException e) {
                Deployer deployer = new Deployer(home, server, control.client(), Launcher.jdkHome());
                deployer.failBeforeSteps(app, commit, branch, e.getMessage(), output);
                return ExitCodes.CONFIG;
            }
            if (onlyDeployBranch && !branch.equals(config.branch())) {
                out.println("-----> " + app + ": pushed " + branch + "; only " + config.branch() + " deploys, so nothing was deployed.");
                return ExitCodes.OK;
            }
            Deployer deployer = new Deployer(home, server, control.ensureRunning(), Launcher.jdkHome());
            return switch (deployer.deploy(app, commit, branch, config, output)) {
                case Deployer.Result.Live live -> ExitCodes.OK;
                case Deployer.Result.Failed failed -> ExitCodes.FAILED;
            };
        }
    }
}
