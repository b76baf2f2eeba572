package dev.sortie.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sortie}: the top-level command. */
@Command(
        name = "sortie",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Self-hosted git-push deploys: push to an app's repo and Sortie builds, starts and routes the new release.",
            "Everything lives under SORTIE_HOME (default ~/.sortie)."
        },
        subcommands = {
            AppsCommand.class,
            DeployCommand.class,
            DeploysCommand.class,
            RollbackCommand.class,
            ConfigCommand.class,
            RestartCommand.class,
            ScaleCommand.class,
            StopCommand.class,
            StartCommand.class,
            PsCommand.class,
            ReleasesCommand.class,
            LogsCommand.class,
            UrlCommand.class,
            TlsCommand.class,
            ServerCommand.class,
            HooksCommand.class,
            BotsCommand.class,
            SshKeysCommand.class,
            FleetCommand.class,
            SshShellCommand.class,
            GitHookCommand.class,
            WorkerCommand.class
        })
public final class SortieCommand implements Runnable {

    @Option(names = "--stacktrace", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Show the stack trace of an error.")
    boolean stacktrace;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
