package dev.sortie.pipeline;

/**
 * What a step returns: a short summary for its line in the push output, and optionally a typed
 * value that later steps read (the artifact it found, the instance it started).
 */
public record StepResult(String summary, Object output) {

    public static StepResult of(String summary) {
        return new StepResult(summary, null);
    }

    public static StepResult of(String summary, Object output) {
        return new StepResult(summary, output);
    }
}
