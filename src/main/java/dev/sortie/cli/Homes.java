package dev.sortie.cli;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ConfigLoader;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.deploy.Deployer;
import dev.sortie.git.AppRepository;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import java.io.IOException;
import java.util.Optional;

/** The home this invocation works on, and small lookups several commands share. */
final class Homes {

    private Homes() {
    }

    static SortieHome current() {
        return SortieHome.fromEnvironment(System.getenv());
    }

    static ServerConfig serverConfig(SortieHome home) {
        return ConfigLoader.loadServer(home.serverConfig());
    }

    static ReleaseStore releases(SortieHome home, String app) {
        return new ReleaseStore(home.releasesDir(app), home.current(app));
    }

    /** The live release's record and the sortie.yml it was deployed with. */
    static Optional<AppConfig> liveConfig(SortieHome home, String app) throws IOException {
        Optional<ReleaseRecord> live = releases(home, app).currentRecord();
        if (live.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Deployer.configAt(new AppRepository(home.repo(app)), live.get().commit()));
    }

    static String url(SortieHome home, String app, AppConfig config) {
        return new Deployer(home, serverConfig(home), null, Launcher.jdkHome()).url(app, config);
    }
}
