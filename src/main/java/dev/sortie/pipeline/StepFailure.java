package dev.sortie.pipeline;

import java.util.List;

/** A step that could not complete: a reason for the pusher, plus detail lines (e.g. a command's last output). */
public class StepFailure extends Exception {

    private final transient List<String> details;

    public StepFailure(String reason) {
        this(reason, List.of(), null);
    }

    public StepFailure(String reason, List<String> details) {
        this(reason, details, null);
    }

    public StepFailure(String reason, List<String> details, Throwable cause) {
        super(reason, cause);
        this.details = List.copyOf(details);
    }

    public List<String> details() {
        return details;
    }
}
