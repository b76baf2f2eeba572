package dev.sortie.config;

import java.util.List;

/**
 * Configuration or user input that cannot be used; the message names the key path and the fix.
 * A file with several mistakes gives one exception listing all of them, one a line.
 */
public class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    /** One exception for several problems, each like {@code sortie.yml: healthcheck.timout: unknown key}. */
    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one line each, in the order of the file. */
    public List<String> problems() {
        return problems;
    }
}
