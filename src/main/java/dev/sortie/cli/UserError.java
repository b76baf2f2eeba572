package dev.sortie.cli;

/** An error whose message is all the user needs; shown without a stack trace, with its exit code. */
public final class UserError extends RuntimeException {

    private final int exitCode;

    public UserError(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
