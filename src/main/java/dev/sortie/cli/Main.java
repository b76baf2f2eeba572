package dev.sortie.cli;

import picocli.CommandLine;

/** Entry point of the {@code sortie} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The {@code sortie} command line with its error handling. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SortieCommand());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setParameterExceptionHandler(new ErrorHandler.HerokuStyleCommands(cli.getParameterExceptionHandler()));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }
}
