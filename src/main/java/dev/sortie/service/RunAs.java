package dev.sortie.service;

import dev.sortie.exec.Command;
import dev.sortie.exec.CommandFailedException;
import dev.sortie.exec.CommandRunner;
import dev.sortie.exec.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Unix user a process runs as, looked up in the system's user database. Processes are switched to it with
 * util-linux's {@code setpriv} (argv only): real and effective ids, no supplementary groups, no capabilities to
 * inherit, and no way to gain privileges again.
 */
public record RunAs(String user, int uid, int gid) {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

    public RunAs {
        if (!NAME.matcher(user).matches()) {
            throw new IllegalArgumentException("not a user name: " + user);
        }
    }

    /**
     * The Unix user an app's processes run as when the server keeps apps apart: {@code sortie-<app>}, or for a long
     * name its first 16 characters and a hash (user names are at most 32 characters).
     */
    public static String userFor(String app) {
        String name = "sortie-" + app;
        if (name.length() <= 32) {
            return name;
        }
        return "sortie-" + app.substring(0, 16) + "-" + String.format("%08x", app.hashCode());
    }

    /** The user's ids from {@code getent passwd}; empty when there is no such user. */
    public static Optional<RunAs> lookup(String user) throws IOException {
        if (!NAME.matcher(user).matches()) {
            throw new IllegalArgumentException("not a user name: " + user);
        }
        List<String> out = new ArrayList<>();
        try {
            new CommandRunner(Duration.ofSeconds(10)).run(new Command(List.of("getent", "passwd", user), Path.of("/"), Map.of()), out::add);
        } catch (CommandFailedException e) {
            return Optional.empty(); // getent exits 2 for an unknown user
        }
        for (String line : out) {
            String[] f = line.split(":");
            if (f.length >= 4 && f[0].equals(user)) {
                return Optional.of(new RunAs(user, Integer.parseInt(f[2]), Integer.parseInt(f[3])));
            }
        }
        return Optional.empty();
    }

    /** What goes before a program's argv so it runs as this user. */
    public List<String> prefix() {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                "--inh-caps=-all", "--ambient-caps=-all", "--no-new-privs"));
        if (isRoot()) {
            argv.add("--bounding-set=-all"); // needs CAP_SETPCAP: only a root daemon may drop the bounding set too
        }
        argv.add("--");
        return argv;
    }

    /**
     * Makes {@code file} this user's, in the daemon's group (this process's), readable by that group, writable by the
     * user, nothing for others: the daemon and its user's commands read it, other apps do not. Leaves what is already
     * so untouched (a dir's setgid bit included).
     */
    public void own(Path file) throws IOException {
        if (!Integer.valueOf(uid).equals(Files.getAttribute(file, "unix:uid"))) {
            Files.setAttribute(file, "unix:uid", uid);
        }
        int group = Privileges.gid();
        if (!Integer.valueOf(group).equals(Files.getAttribute(file, "unix:gid"))) {
            Files.setAttribute(file, "unix:gid", group);
        }
        var mode = PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwxr-x---" : "rw-r-----");
        if (!Files.getPosixFilePermissions(file).equals(mode)) {
            Files.setPosixFilePermissions(file, mode);
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
