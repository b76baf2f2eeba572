package dev.sortie.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What this process may do to other users' files and processes: root may do all of it; the system install's
 * daemon runs as the {@code sortie} user with exactly the capabilities it needs to keep apps apart (the unit's
 * {@code AmbientCapabilities}, see templates/sortie.service); a command run by a person, over SSH or with
 * {@code sudo -u sortie}, has none of them, and asks the daemon instead.
 */
public final class Privileges {

    /** capabilities(7) numbers. */
    static final int CHOWN = 0;
    static final int DAC_OVERRIDE = 1;
    static final int FOWNER = 3;
    static final int KILL = 5;
    static final int SETGID = 6;
    static final int SETUID = 7;
    static final int NET_BIND_SERVICE = 10;

    /**
     * What the daemon needs to keep apps apart: make users (useradd writes /etc), switch its children to them, give
     * them their files, reach those files and signal those processes. The unit and install.sh grant exactly these
     * (plus CAP_NET_BIND_SERVICE for nginx on 80 and 443); tests grant them with setpriv.
     */
    public static final List<String> APP_USERS = List.of("chown", "dac_override", "fowner", "kill", "setgid", "setuid");

    private static final List<String> STATUS = status();
    private static final long EFFECTIVE = parse(STATUS);
    private static final int GID = gidOf(STATUS);

    private Privileges() {
    }

    /** Whether this process may make app users, switch to them and own, reach and signal what is theirs. */
    public static boolean canKeepAppsApart() {
        return isRoot() || has(EFFECTIVE, CHOWN, DAC_OVERRIDE, FOWNER, KILL, SETGID, SETUID);
    }

    /**
     * Whether this process may write into a system nginx's root-owned sites dir and signal its root master (nginx mode
     * system): the unit's CAP_DAC_OVERRIDE and CAP_KILL, which a person's command lacks.
     */
    public static boolean canManageSystemNginx() {
        return isRoot() || has(EFFECTIVE, DAC_OVERRIDE, KILL);
    }

    /** Whether this process may give a file to another user. */
    public static boolean canChown() {
        return isRoot() || has(EFFECTIVE, CHOWN);
    }

    /** Whether this process may bind ports below 1024 (the unit's CAP_NET_BIND_SERVICE, for nginx on 80 and 443). */
    public static boolean canBindLowPorts() {
        return isRoot() || has(EFFECTIVE, NET_BIND_SERVICE);
    }

    /** This process's real group id: the daemon's group, which the app_users layout gives every app's files. */
    public static int gid() {
        return GID;
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static boolean has(long mask, int... caps) {
        for (int cap : caps) {
            if ((mask & (1L << cap)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code /proc/self/status}, read once; empty where there is none (not Linux): no capabilities, no gid. */
    private static List<String> status() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The real gid, the first of the {@code Gid:} line; -1 where there is none. */
    static int gidOf(List<String> status) {
        for (String line : status) {
            if (line.startsWith("Gid:")) {
                return Integer.parseInt(line.substring("Gid:".length()).strip().split("\\s+")[0]);
            }
        }
        return -1;
    }

    /** The {@code CapEff} mask of a status file; 0 where it has none. */
    static long parse(List<String> status) {
        for (String line : status) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
            }
        }
        return 0;
    }
}
