package dev.sortie.cli;

import dev.sortie.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** Turns exceptions into one clear line and an exit code; stack traces only with {@code --stacktrace}. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean trace = false;
        for (CommandLine.ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
            trace |= pr.hasMatchedOption("--stacktrace");
        }
        int code;
        String message;
        if (e instanceof UserError u) {
            code = u.exitCode();
            message = u.getMessage();
        } else if (e instanceof ConfigException) {
            code = ExitCodes.CONFIG;
            message = e.getMessage();
        } else if (e instanceof IOException || e instanceof UncheckedIOException) {
            code = ExitCodes.FAILED;
            message = e.getMessage();
        } else {
            code = ExitCodes.FAILED;
            message = "internal error: " + e + " (run again with --stacktrace and report it)";
        }
        cli.getErr().println("sortie: " + message);
        if (trace) {
            e.printStackTrace(cli.getErr());
        }
        return code;
    }
}
