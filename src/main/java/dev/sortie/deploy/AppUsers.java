package dev.sortie.deploy;

import dev.sortie.config.Ownership;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.exec.Command;
import dev.sortie.exec.CommandFailedException;
import dev.sortie.exec.CommandRunner;
import dev.sortie.exec.Privileges;
import dev.sortie.service.RunAs;
import dev.sortie.service.SupervisorClient;
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
 * The app's config file, its releases dir and its logs dir are that user's, with nothing for others (see
 * {@link #own}), so one app's processes cannot read another's config, releases or logs, nor signal its processes. It needs the
 * privilege to make users and switch to them: root, or the capabilities the system install's unit grants the
 * {@code sortie} user ({@link Privileges#APP_USERS}). A command without them (a person's, over SSH or with
 * {@code sudo -u sortie}) asks the daemon to do it. The app's files are the app user's, in the daemon's group
 * ({@code sortie}), group-readable, in setgid dirs: the daemon and its user's commands read the app's logs and
 * journals and write its config through that group, which no app's processes have (they run with their own group
 * and no supplementary groups). The group is the daemon's primary one on purpose: a process's supplementary groups
 * are fixed when it starts, and access(2), which Files.exists uses, ignores capabilities for a non-root user.
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
        if (!Privileges.canKeepAppsApart()) {
            askDaemon(app, "ensure");
            return RunAs.lookup(name);
        }
        Optional<RunAs> user = RunAs.lookup(name);
        if (user.isEmpty()) {
            // a group of that name left behind (a destroy interrupted between userdel and groupdel) becomes the user's group
            List<String> group = groupExists(name) ? List.of("--gid", name) : List.of("--user-group");
            List<String> argv = new java.util.ArrayList<>(List.of("useradd", "--system"));
            argv.addAll(group);
            argv.addAll(List.of("--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--comment", "Sortie app " + app, name));
            run(argv, "make the Unix user " + name + " for " + app);
            user = RunAs.lookup(name);
            if (user.isEmpty()) {
                throw new IOException("useradd made no user " + name);
            }
        }
        own(home, app, user.get());
        return user;
    }

    /** What a command without the privilege asks the daemon to do for it: {@code ensure} or {@code destroy}. */
    public record Request(String app, String action) {
    }

    /** Does {@code request} in the daemon, which has the privilege: the daemon op {@code app_user}. */
    public void handle(Request request, AppFiles files) throws IOException {
        switch (request.action()) {
            case "ensure" -> ensure(request.app());
            case "destroy" -> {
                files.delete(request.app());
                remove(request.app());
            }
            default -> throw new IOException("not an app_user action: " + request.action());
        }
    }

    /** Deletes an app's files (apps destroy), in whichever process has the right to. */
    public interface AppFiles {
        void delete(String app) throws IOException;
    }

    /**
     * Deletes the app's files with {@code files} and its user: here when this process has the privilege (or apps have
     * no users), else in the daemon.
     */
    public void destroy(String app, AppFiles files) throws IOException {
        if (enabled() && !Privileges.canKeepAppsApart()) {
            askDaemon(app, "destroy");
            return;
        }
        files.delete(app);
        remove(app);
    }

    private void askDaemon(String app, String action) throws IOException {
        SupervisorClient daemon = new SupervisorClient(home.socket());
        if (!daemon.isRunning()) {
            throw new IOException("app_users: true in " + home.serverConfig() + ": each app runs as its own Unix user, which only the sortie"
                    + " server may make and manage (it runs as root, or with the capabilities of the system install's unit), and it is"
                    + " not running; start it: sudo systemctl start sortie");
        }
        daemon.call("app_user", new Request(app, action), Void.class);
    }

    private static boolean groupExists(String name) throws IOException {
        try {
            new CommandRunner(Duration.ofSeconds(10)).run(new Command(List.of("getent", "group", name), Path.of("/"), Map.of()), line -> { });
            return true;
        } catch (CommandFailedException e) {
            return false; // getent exits 2 for an unknown group
        }
    }

    private static void run(List<String> argv, String what) throws IOException {
        try {
            new CommandRunner(Duration.ofSeconds(30)).run(new Command(argv, Path.of("/"), Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")), line -> { });
        } catch (CommandFailedException e) {
            throw new IOException("could not " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * The app's dir is its user's: its config, releases, logs, builds, hooks cache, journals and HOME, owned by the app's
     * user and the daemon's group, setgid, with no rights for others (dirs 2770 / 2750, files 0640), so other apps
     * cannot read them; its bare repo stays the daemon's (pushes write it).
     * The home and the managed nginx's sites (which a deploy reads to check domain claims) must be reachable.
     */
    static void own(SortieHome home, String app, RunAs user) throws IOException {
        Path appDir = home.appDir(app);
        if (!Integer.valueOf(user.uid()).equals(Files.getAttribute(appDir, "unix:uid"))) {
            Files.setAttribute(appDir, "unix:uid", user.uid());
        }
        if (!Integer.valueOf(Privileges.gid()).equals(Files.getAttribute(appDir, "unix:gid"))) {
            Files.setAttribute(appDir, "unix:gid", Privileges.gid());
        }
        // group-writable: the daemon's user's commands write the app's config (a new file, renamed over the old one) there
        if (!Files.getPosixFilePermissions(appDir).equals(PosixFilePermissions.fromString("rwxrwx---"))) {
            Files.setPosixFilePermissions(appDir, PosixFilePermissions.fromString("rwxrwx---"));
        }
        setgid(appDir);
        for (Path dir : List.of(home.releasesDir(app), home.logsDir(app), home.buildsDir(app), home.deploysDir(app), home.appHome(app),
                appDir.resolve("hooks-cache"))) {
            Files.createDirectories(dir);
            user.own(dir);
            setgid(dir);
        }
        for (Path file : List.of(home.envFile(app), home.deployLock(app), home.appSettings(app))) {
            if (Files.exists(file)) {
                user.own(file);
            }
        }
        if (Files.exists(home.deployLock(app))) {
            Ownership.groupWritable(home.deployLock(app)); // the daemon's user's commands take it too
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

    /** Sets a directory's setgid bit, so that what anyone makes in it gets the daemon's group (java.nio has no name for the bit). */
    private static void setgid(Path dir) throws IOException {
        if (!Ownership.isSetgid(dir)) {
            run(List.of("chmod", "g+s", dir.toString()), "set the setgid bit of " + dir);
        }
    }

    /** Removes the app's user (apps destroy); its processes are stopped by then. */
    public void remove(String app) throws IOException {
        if (!enabled()) {
            return;
        }
        String name = RunAs.userFor(app);
        if (RunAs.lookup(name).isPresent()) {
            run(List.of("userdel", name), "remove the Unix user " + name);
        }
        if (groupExists(name)) { // userdel keeps a group that has members (an earlier layout made the daemon's user one)
            run(List.of("groupdel", name), "remove the Unix group " + name);
        }
    }
}
