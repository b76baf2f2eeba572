package dev.sortie.nginx;

import dev.sortie.exec.Command;
import dev.sortie.exec.Privileges;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The argv of every nginx invocation for a managed prefix; pure, so tests can assert them exactly. */
public record NginxCommands(String binary, Path prefix) {

    public Path config() {
        return prefix.resolve("nginx.conf");
    }

    public Path errorLog() {
        return prefix.resolve("logs").resolve("error.log");
    }

    public Path pidFile() {
        return prefix.resolve("nginx.pid");
    }

    private List<String> base(String errorLog) {
        return new ArrayList<>(List.of(binary, "-p", prefix + "/", "-c", config().toString(), "-e", errorLog));
    }

    /**
     * Starts the master, which daemonizes itself. Under the system install's daemon (the sortie user with the
     * capabilities to keep apps apart) nginx keeps only CAP_NET_BIND_SERVICE, to bind ports 80 and 443.
     */
    public Command start() {
        return start(Privileges.canKeepAppsApart() && !Privileges.isRoot(), Privileges.canBindLowPorts());
    }

    Command start(boolean dropCapabilities, boolean keepBind) {
        List<String> argv = base(errorLog().toString());
        if (dropCapabilities) {
            String caps = keepBind ? "-all,+net_bind_service" : "-all";
            argv.addAll(0, List.of("setpriv", "--inh-caps=" + caps, "--ambient-caps=" + caps, "--"));
        }
        return new Command(argv, prefix, Map.of());
    }

    /** Checks the whole config; problems are printed on stderr. */
    public Command test() {
        List<String> argv = base("stderr");
        argv.add(1, "-t");
        argv.add(2, "-q");
        return new Command(argv, prefix, Map.of());
    }

    public Command signal(String signal) {
        List<String> argv = base(errorLog().toString());
        argv.add("-s");
        argv.add(signal);
        return new Command(argv, prefix, Map.of());
    }
}
