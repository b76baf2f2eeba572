package dev.sortie.hooks.runtime;

import java.util.List;

/** A hook threw, timed out or ran a failing command; {@code details} are the first frames of the hook's own stack. */
public final class HookFailed extends Exception {

    private final transient List<String> details;

    public HookFailed(String message, List<String> details, Throwable cause) {
        super(message, cause);
        this.details = List.copyOf(details);
    }

    public List<String> details() {
        return details;
    }
}
