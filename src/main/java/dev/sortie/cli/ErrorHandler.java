package dev.sortie.cli;

import dev.sortie.app.StoredDeploys;
import dev.sortie.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        } else if (e instanceof ConfigException || e instanceof StoredDeploys.NotDeployable) {
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

    /**
     * Heroku's {@code apps:create} spelling: when {@code a} of an unknown {@code a:b} is a command, suggests {@code a b}
     * instead of picocli's nearest-name guess. Everything else goes to picocli's own handler.
     */
    static final class HerokuStyleCommands implements CommandLine.IParameterExceptionHandler {
        private static final Pattern COLON_COMMAND = Pattern.compile("([a-z][a-z0-9-]*):([a-z][a-z0-9-]*)");

        private final CommandLine.IParameterExceptionHandler picocli;

        HerokuStyleCommands(CommandLine.IParameterExceptionHandler picocli) {
            this.picocli = picocli;
        }

        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) throws Exception {
            if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
                Optional<String> suggestion = suggest(u.getCommandLine(), u.getUnmatched());
                if (suggestion.isPresent()) {
                    e.getCommandLine().getErr().println("sortie: unknown command '" + u.getUnmatched().getFirst()
                            + "'; did you mean: " + suggestion.get());
                    return ExitCodes.USAGE;
                }
            }
            return picocli.handleParseException(e, args);
        }

        /** {@code sortie a b REST...} for unmatched {@code a:b REST...} when {@code a} is a command of {@code where}. */
        static Optional<String> suggest(CommandLine where, List<String> unmatched) {
            Matcher m = COLON_COMMAND.matcher(unmatched.getFirst());
            if (!m.matches() || !where.getSubcommands().containsKey(m.group(1))) {
                return Optional.empty();
            }
            CommandLine command = where.getSubcommands().get(m.group(1));
            StringBuilder line = new StringBuilder(command.getCommandSpec().qualifiedName()).append(' ').append(m.group(2));
            unmatched.stream().skip(1).forEach(arg -> line.append(' ').append(arg));
            return Optional.of(line.toString());
        }
    }
}
