package dev.sortie.cli;

import dev.sortie.config.SortieHome;
import dev.sortie.service.SupervisorClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Starts the {@code sortie server} daemon on demand, detached so it outlives the push and the SSH session. */
final class ServerControl {

    private final SortieHome home;
    private final SupervisorClient client;

    ServerControl(SortieHome home) {
        this.home = home;
        this.client = new SupervisorClient(home.socket());
    }

    SupervisorClient client() {
        return client;
    }

    boolean isRunning() {
        return client.isRunning();
    }

    /** Returns a client to a running daemon, starting one first if needed. */
    SupervisorClient ensureRunning() throws IOException {
        if (client.isRunning()) {
            return client;
        }
        Path run = home.runDir();
        Files.createDirectories(run);
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
        List<String> argv = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            argv.add("/usr/bin/setsid"); // its own session: no hangup when the pusher's SSH session ends
        }
        argv.addAll(Launcher.javaCommand(List.of("-Xmx256m", "-XX:+UseSerialGC")));
        argv.addAll(List.of("server", "run"));
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.serverLog().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        pb.environment().put("SORTIE_HOME", home.root().toString());
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
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new UserError(ExitCodes.UNAVAILABLE, "the sortie server did not start; see " + home.serverLog());
    }
}
