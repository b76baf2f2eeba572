package dev.sortie.compile;

import java.util.List;

/** Source that javac rejected (or that cannot be used), with javac's diagnostics as lines to show. */
public final class CompileException extends Exception {

    private final List<String> details;

    public CompileException(String message, List<String> details) {
        super(message);
        this.details = List.copyOf(details);
    }

    /** Lines such as {@code bots/Smoke.java:12:9: error: cannot find symbol}, the source line and a caret. */
    public List<String> details() {
        return details;
    }
}
