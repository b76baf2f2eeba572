package dev.sortie.app;

import dev.sortie.exec.CommandFailedException;
import dev.sortie.nginx.ManagedNginx;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.DeployLock;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.SupervisorClient;
import dev.sortie.steps.DirTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Apps as a whole: destroying one stops its instances, removes its site and deletes its files, after any running deploy. */
public final class AppAdmin {

    private final Sortie sortie;

    public AppAdmin(Sortie sortie) {
        this.sortie = sortie;
    }

    /** Destroys an app; {@code progress} hears each thing done. */
    public void destroy(String app, Consumer<String> progress) throws IOException {
        // a deploy in progress would start an instance and write a site after we are done: wait for it
        try (DeployLock lock = DeployLock.acquire(sortie.home().deployLock(app), "destroy of " + app,
                who -> progress.accept("Waiting for the deploy lock: held by " + who))) {
            SupervisorClient daemon = sortie.daemon();
            if (daemon.isRunning()) {
                for (InstanceInfo i : daemon.list()) {
                    if (i.app().equals(app)) {
                        daemon.stop(app, i.release(), sortie.server().stopTimeout());
                        progress.accept("Stopped " + app + " " + i.release() + ".");
                    }
                }
            }
            ManagedNginx nginx = sortie.nginx();
            SiteSwitch sites = new SiteSwitch(nginx);
            if (Files.exists(sites.siteFile(app))) {
                Files.delete(sites.siteFile(app));
                if (nginx.isRunning()) {
                    try {
                        nginx.startOrReload();
                    } catch (CommandFailedException e) {
                        throw new IOException("nginx did not reload without the site of " + app + ": " + e.getMessage(), e);
                    }
                }
                progress.accept("Removed the nginx site of " + app + ".");
            }
            Path dir = sortie.home().appDir(app);
            for (Path child : children(dir)) {
                if (!child.getFileName().toString().equals("deploy.lock")) {
                    DirTree.delete(child);
                }
            }
            DirTree.delete(dir); // the lock file last: its lock is released when the channel closes
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }
}
