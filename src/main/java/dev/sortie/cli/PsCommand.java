package dev.sortie.cli;

import dev.sortie.app.Sortie;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.SupervisorClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie ps}: the app instances the server runs. */
@Command(name = "ps", mixinStandardHelpOptions = true, description = "List running app instances.")
final class PsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Sortie sortie = Homes.sortie();
        var out = spec.commandLine().getOut();
        SupervisorClient client = sortie.daemon();
        if (!client.isRunning()) {
            long alive = recordedPids(sortie.home().runDir().resolve("instances.json")).stream()
                    .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .count();
            throw new UserError(ExitCodes.UNAVAILABLE, "the sortie server is not running, so nothing supervises the apps"
                    + (alive > 0 ? " (" + alive + " recorded instance(s) are still running unsupervised)" : "")
                    + "; start it: sortie server start");
        }
        List<InstanceInfo> instances = client.list();
        if (instances.isEmpty()) {
            out.println("No app instances are running.");
            return ExitCodes.OK;
        }
        out.printf("%-20s %-33s %-8s %-6s %-11s %-8s %s%n", "APP", "RELEASE", "PID", "PORT", "STATE", "RESTARTS", "UP");
        for (InstanceInfo i : instances) {
            String live = sortie.releases(i.app()).currentId().map(i.releaseId()::equals).orElse(false) ? " (live)" : "";
            out.printf("%-20s %-33s %-8s %-6d %-11s %-8d %s%n", i.app(), i.release() + live, i.pid() == 0 ? "-" : i.pid(), i.port(),
                    state(i, sortie.server().drain()), i.restarts(), i.startedAt() == null ? "-" : uptime(Duration.between(i.startedAt(), Instant.now())));
        }
        return ExitCodes.OK;
    }

    /**
     * The instance's state; a stopping one is {@code standby} while it has longer to go than a drain (it stays up
     * for a rollback), else {@code draining}.
     */
    static String state(InstanceInfo i, Duration drain) {
        if (!InstanceInfo.STOPPING.equals(i.state()) || i.stopAt() == null) {
            return i.state();
        }
        return Duration.between(Instant.now(), i.stopAt()).compareTo(drain.plusSeconds(1)) > 0 ? "standby" : "draining";
    }

    /** The pids the daemon's instance record names (whatever its version), to tell whether apps run unsupervised. */
    static List<Long> recordedPids(Path stateFile) {
        List<Long> pids = new ArrayList<>();
        try {
            if (Files.exists(stateFile)) {
                for (JsonNode instance : new ObjectMapper().readTree(stateFile.toFile())) {
                    long pid = instance.path("pid").asLong(0);
                    if (pid > 0) {
                        pids.add(pid);
                    }
                }
            }
        } catch (IOException e) {
            // an unreadable record says nothing about what runs
        }
        return pids;
    }

    static String uptime(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return s / 60 + "m";
        }
        return s / 3600 + "h" + (s % 3600) / 60 + "m";
    }
}
