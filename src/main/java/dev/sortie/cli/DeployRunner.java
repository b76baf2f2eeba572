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
     * Which branch deploys: the one the live release's sortie.yml names, so a feature branch cannot
     * promote itself by changing {@code branch:}. Before the first release, the pushed sortie.yml's
     * (default main).
     */
    private String deployBranch(AppRepository repo, String app, AppConfig pushed) throws IOException {
        var live = Homes.releases(home, app).currentRecord();
        if (live.isPresent()) {
            try {
                return Deployer.configAt(repo, live.get().commit()).branch();
            } catch (ConfigException | IOException e) {
                return live.get().branch();
            }
        }
        return pushed != null ? pushed.branch() : AppConfig.defaults().branch();
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
            AppConfig config = null;
            ConfigException invalid = null;
            try {
                config = Deployer.configAt(repo, commit);
            } catch (ConfigException e) {
                invalid = e;
            }
            if (onlyDeployBranch) {
                String deployBranch = deployBranch(repo, app, config);
                if (!branch.equals(deployBranch)) {
                    out.println("-----> " + app + ": pushed " + branch + "; only " + deployBranch + " deploys, so nothing was deployed.");
                    return ExitCodes.OK;
                }
            }
            if (invalid != null) {
                Deployer deployer = new Deployer(home, server, control.client(), Launcher.jdkHome());
                deployer.failBeforeSteps(app, commit, branch, invalid.getMessage(), output);
                return ExitCodes.CONFIG;
            }
            Deployer deployer = new Deployer(home, server, control.ensureRunning(), Launcher.jdkHome());
            return switch (deployer.deploy(app, commit, branch, config, output)) {
                case Deployer.Result.Live live -> ExitCodes.OK;
                case Deployer.Result.Failed failed -> ExitCodes.FAILED;
            };
        }
    }
}
