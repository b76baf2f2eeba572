package dev.sortie.app;

import dev.sortie.config.SortieHome;
import dev.sortie.exec.Privileges;
import dev.sortie.service.SupervisorClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Starts the {@code sortie server} daemon on demand, detached so it outlives the push and the SSH session. */
public final class DaemonProcess {

    /** The daemon did not come up; the message says where to look. */
    public static final class NotStarted extends IOException {
        NotStarted(String message) {
            super(message);
        }
    }

    /** What the daemon writes into server.stopped when systemd stops it (systemctl stop sortie, or a shutdown). */
    public static final String STOPPED_BY_SYSTEMD = "stopped by systemd (systemctl stop sortie)";

    private DaemonProcess() {
    }

    /** Why the daemon is down on purpose ({@code server.stopped}'s first line), if it is. */
    public static Optional<String> stoppedBecause(SortieHome home) {
        try {
            return Files.readAllLines(home.serverStopped()).stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether systemd stopped the daemon: only systemd starts it again, so that no second daemon runs beside the unit's. */
    public static boolean stoppedBySystemd(SortieHome home) {
        return stoppedBecause(home).filter(STOPPED_BY_SYSTEMD::equals).isPresent();
    }

    /** How a person starts the daemon of this installation again. */
    public static String startHint(Sortie sortie) {
        if (stoppedBySystemd(sortie.home()) || sortie.server().appUsers() && !Privileges.canKeepAppsApart()) {
            return "sudo systemctl start sortie";
        }
        return "sortie server start";
    }

    /** Returns a client to a running daemon, starting one first if needed. */
    public static SupervisorClient ensureRunning(Sortie sortie) throws IOException {
        SupervisorClient client = sortie.daemon();
        if (client.isRunning()) {
            return client;
        }
        if (stoppedBySystemd(sortie.home())) {
            // the unit's daemon is stopped: one started from here would run outside the service, and systemctl start sortie
            // would then fail on its socket
            throw new NotStarted("the sortie server was " + STOPPED_BY_SYSTEMD + ", and a command does not start it outside the"
                    + " service; start it: sudo systemctl start sortie");
        }
        if (sortie.server().appUsers() && !Privileges.canKeepAppsApart()) {
            // a daemon started from here would have none of the rights app_users needs (a person's command over SSH, or
            // a push after systemctl stop sortie): every deploy would fail; the service starts it with them
            throw new NotStarted("the sortie server is not running, and this command cannot start it: with app_users: true in "
                    + sortie.home().serverConfig() + " it runs as root or with the system install's capabilities; start it:"
                    + " sudo systemctl start sortie (without systemd as PID 1: sudo ./install.sh --system, from Sortie's checkout, starts it again)");
        }
        Path run = sortie.home().runDir();
        Files.createDirectories(run);
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
        List<String> argv = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            argv.add("/usr/bin/setsid"); // its own session: no hangup when the pusher's SSH session ends
        }
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        jvm.addAll(ClassDataArchives.options("server"));
        argv.addAll(sortie.command(jvm, "server", "run"));
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(sortie.home().serverLog().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        pb.environment().put("SORTIE_HOME", sortie.home().root().toString());
        Files.deleteIfExists(sortie.home().serverStopped());
        Process p = pb.start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (client.isRunning()) {
                return client;
            }
            if (!p.isAlive() && p.exitValue() != 0) {
                break;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new NotStarted("the sortie server did not start; see " + sortie.home().serverLog());
    }
}
