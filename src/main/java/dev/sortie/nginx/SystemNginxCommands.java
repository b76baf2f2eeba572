package dev.sortie.nginx;

import dev.sortie.exec.Command;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The argv of every invocation of the system's nginx: its own prefix and config (or {@code -c CONFIG}), errors on stderr so
 * that Sortie neither needs nor touches the system's error log; pure, so tests can assert them exactly.
 */
public record SystemNginxCommands(String binary, Optional<Path> config, Path workDir) {

    private List<String> base(String... first) {
        List<String> argv = new ArrayList<>(List.of(binary));
        argv.addAll(List.of(first));
        argv.addAll(List.of("-e", "stderr"));
        config.ifPresent(c -> argv.addAll(List.of("-c", c.toString())));
        return argv;
    }

    /** Checks the whole system config, Sortie's sites with the others; problems are printed on stderr. */
    public Command test() {
        return new Command(base("-t", "-q"), workDir, Map.of());
    }

    /** Checks and prints the whole config: where the pid file is. */
    public Command dump() {
        return new Command(base("-T", "-q"), workDir, Map.of());
    }

    /** nginx's build options, {@code --pid-path} among them (printed on stderr). */
    public Command version() {
        return new Command(List.of(binary, "-V"), workDir, Map.of());
    }

    public Command signal(String signal) {
        List<String> argv = base();
        argv.addAll(List.of("-s", signal));
        return new Command(argv, workDir, Map.of());
    }
}
