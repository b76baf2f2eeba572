package dev.sortie.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Per-step argv overrides from {@code sortie.yml}; null means the default, an empty list skips the step. */
public record StepCommands(
        List<String> deps,
        List<String> compile,
        @JsonProperty("package") List<String> packaging) {

    public static final StepCommands NONE = new StepCommands(null, null, null);
}
