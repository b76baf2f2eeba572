package dev.sortie.cli;

import dev.sortie.config.SortieHome;
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
        SortieHome home = Homes.current();
        var out = spec.commandLine().getOut();
        SupervisorClient client = new SupervisorClient(home.socket());
        if (!client.isRunning()) {
            out.println("The sortie server is not running, so no apps are (it starts with the first deploy, or: sortie server start).");
            return ExitCodes.OK;
        }
        List<InstanceInfo> instances = client.list();
        if (instances.isEmpty()) {
            out.println("No app instances are running.");
            return ExitCodes.OK;
        }
        out.printf("%-20s %-33s %-8s %-6s %-11s %-8s %s%n", "APP", "RELEASE", "PID", "PORT", "STATE", "RESTARTS", "UP");
        for (InstanceInfo i : instances) {
            String live = Homes.releases(home, i.app()).currentId().map(i.release()::equals).orElse(false) ? " (live)" : "";
            out.printf("%-20s %-33s %-8s %-6d %-11s %-8d %s%n", i.app(), i.release() + live, i.pid() == 0 ? "-" : i.pid(), i.port(),
                    i.state(), i.restarts(), i.startedAt() == null ? "-" : uptime(Duration.between(i.startedAt(), Instant.now())));
        }
        return ExitCodes.OK;
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
