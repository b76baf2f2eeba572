package dev.sortie.app;

import dev.sortie.exec.CommandFailedException;
import dev.sortie.nginx.Nginx;
import dev.sortie.pipeline.DeployLock;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.ServiceBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code sortie stop}, in the daemon: the app's site goes (nginx answers 404 for its names), its instances
 * drain and stop, and a marker keeps it stopped across daemon restarts until {@code sortie start} or a
 * deploy puts a release live again.
 */
final class AppPower {

    /** The file whose presence says an app was stopped on purpose. */
    static final String STOPPED = "stopped";

    private final Sortie sortie;
    private final ServiceBackend backend;

    AppPower(Sortie sortie, ServiceBackend backend) {
        this.sortie = sortie;
        this.backend = backend;
    }

    static Path marker(Sortie sortie, String app) {
        return sortie.home().appDir(app).resolve(STOPPED);
    }

    String stop(String app, String by) throws IOException {
        // a deploy running now would start an instance and write a site after this: wait for it to end
        try (DeployLock lock = DeployLock.acquire(sortie.home().deployLock(app), "stop of " + app + " by " + by, who -> { })) {
            Files.writeString(marker(sortie, app), "stopped by " + by + " at " + Instant.now() + "\n");
            Path site = sortie.sites().siteFile(app);
            boolean hadSite = Files.exists(site);
            if (hadSite) {
                Files.delete(site);
                Nginx nginx = sortie.nginx();
                if (nginx.isRunning()) {
                    try {
                        nginx.startOrReload();
                    } catch (CommandFailedException e) {
                        throw new IOException("nginx did not reload without the site of " + app + ": " + e.getMessage(), e);
                    }
                }
            }
            // standbys too: retiring again only brings their stop sooner
            List<InstanceInfo> running = backend.list().stream().filter(i -> i.app().equals(app)).toList();
            for (InstanceInfo i : running) {
                backend.retire(app, i.release(), sortie.server().drain(), sortie.server().stopTimeout());
            }
            return app + " is stopped: " + (hadSite ? "its site is gone from nginx" : "it had no site")
                    + (running.isEmpty() ? "" : ", and " + running.size() + (running.size() == 1 ? " instance stops" : " instances stop")
                    + " once requests in flight are done (" + sortie.server().drain().toMillis() + " ms)")
                    + ". Start it again: sortie start " + app;
        }
    }
}
