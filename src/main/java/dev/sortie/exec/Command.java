package dev.sortie.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A command as data: an argv list, the directory it runs in and its extra environment.
 * Nothing is ever joined into a shell string.
 */
public record Command(List<String> argv, Path workDir, Map<String, String> env) {

    public Command {
        Objects.requireNonNull(argv, "argv");
        Objects.requireNonNull(workDir, "workDir");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program name");
        }
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    public static Command of(Path workDir, String... argv) {
        return new Command(List.of(argv), workDir, Map.of());
    }

    /** The argv as a person would read it in output; for display only, never executed. */
    public String display() {
        var sb = new StringBuilder();
        for (String arg : argv) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            boolean plain = !arg.isEmpty() && arg.chars().allMatch(c -> c > ' ' && c != '\'' && c != '"' && c != '\\');
            sb.append(plain ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }
}
