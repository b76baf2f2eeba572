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
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
        String name = RunAs.userFor(app);
        if (name.equals(System.getProperty("user.name"))) {
            return RunAs.lookup(name); // the app's own worker: the daemon made the user and its files before starting it
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IOException("app_users: true in " + home.serverConfig() + " needs the sortie server to run as root"
                    + " (it makes a Unix user per app and starts the app's processes as that user); it runs as "
                    + System.getProperty("user.name"));
        }
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

    /**
     * The app's dir is its user's: its config, releases, logs, builds, hooks cache, journals and HOME (0700 / 0600), and
     * nobody else's (root, the daemon, reaches them still); its bare repo stays the daemon's (pushes write it), readable.
     * The home and the managed nginx's sites (which a deploy reads to check domain claims) must be reachable.
     */
    static void own(SortieHome home, String app, RunAs user) throws IOException {
        Path appDir = home.appDir(app);
        Files.setAttribute(appDir, "unix:uid", user.uid());
        Files.setAttribute(appDir, "unix:gid", user.gid());
        Files.setPosixFilePermissions(appDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path dir : List.of(home.releasesDir(app), home.logsDir(app), home.buildsDir(app), home.deploysDir(app), home.appHome(app),
                appDir.resolve("hooks-cache"))) {
            Files.createDirectories(dir);
            user.own(dir);
        }
        for (Path file : List.of(home.envFile(app), home.deployLock(app))) {
            if (Files.exists(file)) {
                user.own(file);
            }
        }
        for (Path dir : List.of(home.root(), home.appsDir(), home.nginxDir(), home.nginxDir().resolve("sites"))) {
            if (Files.isDirectory(dir)) {
                Set<PosixFilePermission> mode = new HashSet<>(Files.getPosixFilePermissions(dir));
                mode.add(PosixFilePermission.OTHERS_EXECUTE);
                if (!dir.equals(home.root()) && !dir.equals(home.appsDir())) {
                    mode.add(PosixFilePermission.OTHERS_READ); // sites name domains: no secret
                }
                Files.setPosixFilePermissions(dir, mode);
            }
        }
        Path config = home.serverConfig();
        if (Files.exists(config)) {
            Set<PosixFilePermission> mode = new HashSet<>(Files.getPosixFilePermissions(config));
            mode.add(PosixFilePermission.OTHERS_READ); // every deploy reads it; it holds paths and ports, no secret
            Files.setPosixFilePermissions(config, mode);
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
