package dev.sortie.app;

import dev.sortie.config.AppSettings;
import dev.sortie.config.SortieHome;
import dev.sortie.deploy.AppUsers;
import dev.sortie.exec.CommandFailedException;
import dev.sortie.exec.Privileges;
import dev.sortie.git.AppRepository;
import dev.sortie.nginx.Nginx;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.nginx.SystemNginx;
import dev.sortie.pipeline.DeployLock;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.SupervisorClient;
import dev.sortie.steps.DirTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Apps as a whole: creating one (its repo and the git hook that deploys), changing its settings
 * (which hook deploys), destroying one (after any running deploy: instances, site, files).
 */
public final class AppAdmin {

    private final Sortie sortie;

    public AppAdmin(Sortie sortie) {
        this.sortie = sortie;
    }

    /**
     * Creates the app's repo (or, with {@code repair}, reinstalls its hook) and its settings.
     *
     * @param hookCommand the argv the git hook runs Sortie with
     */
    public void create(String app, AppSettings settings, List<String> hookCommand, boolean repair) throws IOException {
        SortieHome home = sortie.home();
        Files.createDirectories(home.logsDir(app));
        AppSettings effective = repair ? AppSettings.load(home.appSettings(app)) : settings;
        AppRepository.create(home.repo(app), "main", hookValues(app, hookCommand), mode(effective));
        if (!repair) {
            effective.save(home.appSettings(app));
        }
        new AppUsers(home, sortie.server()).ensure(app);
    }

    /** Applies {@code key=value} to the app's settings and reinstalls its hook to match; returns the new settings. */
    public AppSettings set(String app, String key, String value, List<String> hookCommand) throws IOException {
        SortieHome home = sortie.home();
        try (DeployLock lock = DeployLock.acquire(home.deployLock(app), "settings of " + app, who -> { })) {
            AppSettings settings = AppSettings.load(home.appSettings(app)).with(key, value);
            settings.save(home.appSettings(app));
            sortie.repo(app).installHooks(mode(settings), hookValues(app, hookCommand));
            return settings;
        }
    }

    public static AppRepository.HookMode mode(AppSettings settings) {
        return settings.rejects() ? AppRepository.HookMode.GATE : AppRepository.HookMode.AFTER_PUSH;
    }

    private Map<String, String> hookValues(String app, List<String> hookCommand) {
        return Map.of(
                "SORTIE_HOME", AppRepository.shellWord(sortie.home().root().toString()),
                "SORTIE_COMMAND", AppRepository.shellWords(hookCommand),
                "APP", AppRepository.shellWord(app));
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
            boolean removed;
            if (sortie.nginx() instanceof SystemNginx && !Privileges.canManageSystemNginx() && daemon.isRunning()) {
                // a person's command: the system nginx's sites dir and master are root's, which the daemon's unit may reach
                removed = daemon.call("remove_site", Map.of("app", app), Map.class).get("removed") == Boolean.TRUE;
            } else {
                removed = removeSite(sortie, app);
            }
            if (removed) {
                progress.accept("Removed the nginx site of " + app + ".");
            }
            // with app users and no privilege (a person's command), the daemon deletes the files the app's user made
            new AppUsers(sortie.home(), sortie.server()).destroy(app, a -> deleteFiles(sortie.home(), a));
        }
    }

    /** Removes an app's site from nginx and reloads it; false when it had none. */
    static boolean removeSite(Sortie sortie, String app) throws IOException {
        Nginx nginx = sortie.nginx();
        Path site = new SiteSwitch(nginx).siteFile(app);
        if (!Files.exists(site)) {
            return false;
        }
        Files.delete(site);
        if (nginx.isRunning()) {
            try {
                nginx.startOrReload();
            } catch (CommandFailedException e) {
                throw new IOException("nginx did not reload without the site of " + app + ": " + e.getMessage(), e);
            }
        }
        return true;
    }

    /** Deletes the app's dir, its deploy lock last (its lock is released when the channel closes). */
    static void deleteFiles(SortieHome home, String app) throws IOException {
        Path dir = home.appDir(app);
        if (!Files.exists(dir)) {
            return;
        }
        for (Path child : children(dir)) {
            if (!child.getFileName().toString().equals("deploy.lock")) {
                DirTree.delete(child);
            }
        }
        DirTree.delete(dir);
    }

    private static List<Path> children(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }
}
