package dev.sortie.deploy;

import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.exec.Command;
import dev.sortie.exec.CommandFailedException;
import dev.sortie.exec.CommandRunner;
import dev.sortie.service.RunAs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * With {@code app_users: true} in the server config, each app's instances run as its own Unix user,
 * {@code sortie-<app>}, which Sortie makes (a system user with its own group, no home, no login shell).
 * The app's config file, its releases dir and its logs dir are that user's alone (0600 / 0700), so one
 * app's processes cannot read another's config, releases or logs, nor signal its processes. It needs the
 * daemon to run as root (to make users and switch to them).
 */
public final class AppUsers {

    private final SortieHome home;
    private final ServerConfig server;

    public AppUsers(SortieHome home, ServerConfig server) {
        this.home = home;
        this.server = server;
    }

    public boolean enabled() {
        return server.appUsers();
    }

    /** The app's user, made if it does not exist yet, with the app's private files made its own; empty when the server does not keep apps apart. */
    public Optional<RunAs> ensure(String app) throws IOException {
        if (!enabled()) {
            return Optional.empty();
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IOException("app_users: true in " + home.serverConfig() + " needs the sortie server to run as root"
                    + " (it makes a Unix user per app and starts the app's processes as that user); it runs as "
                    + System.getProperty("user.name"));
        }
        String name = RunAs.userFor(app);
        Optional<RunAs> user = RunAs.lookup(name);
        if (user.isEmpty()) {
            try {
                new CommandRunner(Duration.ofSeconds(30)).run(new Command(List.of("useradd", "--system", "--user-group", "--no-create-home",
                        "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--comment", "Sortie app " + app, name),
                        Path.of("/"), Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")), line -> { });
            } catch (CommandFailedException e) {
                throw new IOException("could not make the Unix user " + name + " for " + app + ": " + e.getMessage(), e);
            }
            user = RunAs.lookup(name);
            if (user.isEmpty()) {
                throw new IOException("useradd made no user " + name);
            }
        }
        own(home, app, user.get());
        return user;
    }

    /** The app's config, releases and logs: the app user's, and nobody else's (root, the daemon, reaches them still). */
    static void own(SortieHome home, String app, RunAs user) throws IOException {
        for (Path dir : List.of(home.releasesDir(app), home.logsDir(app))) {
            Files.createDirectories(dir);
            user.own(dir);
        }
        Path env = home.envFile(app);
        if (Files.exists(env)) {
            user.own(env);
        }
    }

    /** Removes the app's user (apps destroy); its processes are stopped by then. */
    public void remove(String app) throws IOException {
        if (!enabled()) {
            return;
        }
        String name = RunAs.userFor(app);
        if (RunAs.lookup(name).isPresent()) {
            try {
                new CommandRunner(Duration.ofSeconds(30)).run(new Command(List.of("userdel", name), Path.of("/"),
                        Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")), line -> { });
            } catch (CommandFailedException e) {
                throw new IOException("could not remove the Unix user " + name + ": " + e.getMessage(), e);
            }
        }
    }
}
