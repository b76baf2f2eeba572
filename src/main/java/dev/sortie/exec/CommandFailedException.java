package dev.sortie.exec;

import java.util.List;

/** A command that could not start, exited non-zero or timed out; carries the last lines it printed. */
public final class CommandFailedException extends Exception {

    private final transient Command command;
    private final int exitCode;
    private final List<String> tail;

    public CommandFailedException(Command command, int exitCode, String reason, List<String> tail) {
        super(command.display() + " " + reason);
        this.command = command;
        this.exitCode = exitCode;
        this.tail = List.copyOf(tail);
    }

    public Command command() {
        return command;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The last lines of output before the failure, oldest first. */
    public List<String> tail() {
        return tail;
    }
}
