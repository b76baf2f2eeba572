package dev.sortie.cli;

import dev.sortie.app.Sortie;
import dev.sortie.config.AppConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.deploy.DeployWorker;
import dev.sortie.release.ReleaseRecord;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** The installation this invocation works on, and small lookups several commands share. */
final class Homes {

    private Homes() {
    }

    static SortieHome current() {
        return SortieHome.fromEnvironment(System.getenv());
    }

    /** This installation, wired from {@code SORTIE_HOME} and its sortie.yml. */
    static Sortie sortie() {
        return Sortie.load(current(), Launcher.jdkHome(), Launcher.javaCommand(List.of()));
    }

    /**
     * The branch a push must go to for the app to deploy, for hints: the live release's {@code branch:}; before
     * anything is live, main or master when that branch's own sortie.yml names it; else the default, main.
     */
    static String deployBranch(Sortie sortie, String app) {
        try {
            Optional<AppConfig> live = liveConfig(sortie, app);
            if (live.isPresent()) {
                return live.get().branch();
            }
            for (String branch : List.of("main", "master")) {
                Optional<String> commit = sortie.repo(app).resolve("refs/heads/" + branch);
                if (commit.isPresent() && DeployWorker.configAt(sortie.repo(app), commit.get()).branch().equals(branch)) {
                    return branch;
                }
            }
        } catch (IOException | RuntimeException e) {
            // a hint: an unreadable repo or sortie.yml gets the default
        }
        return AppConfig.defaults().branch();
    }

    /** The sortie.yml the live release was deployed with. */
    static Optional<AppConfig> liveConfig(Sortie sortie, String app) throws IOException {
        Optional<ReleaseRecord> live = sortie.releases(app).currentRecord();
        if (live.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(DeployWorker.configAt(sortie.repo(app), live.get().commit()));
    }
}
