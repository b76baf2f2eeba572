package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.app.Sortie;
import dev.sortie.config.AppName;
import dev.sortie.deploy.DeployState;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie deploys [APP]}: queued, running and recent deploys; {@code cancel} drops or undoes one. */
@Command(name = "deploys", mixinStandardHelpOptions = true,
        description = "List queued, running and recent deploys, newest first (of one app, or all).",
        subcommands = DeploysCommand.Cancel.class)
final class DeploysCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Parameters(paramLabel = "APP", arity = "0..1", description = "Only this app's deploys.")
    String app;

    @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "How many deploys to show (default: ${DEFAULT-VALUE}).")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Sortie sortie = Homes.sortie();
        Deploys deploys = new Deploys(sortie);
        if (app != null) {
            Apps.require(deploys, AppName.require(app));
        }
        List<DeployState> list = deploys.list(app, Math.max(1, limit));
        var out = spec.commandLine().getOut();
        if (!deploys.serverRunning()) {
            spec.commandLine().getErr().println("The sortie server is not running: these are the journals as they stand; queued deploys run,"
                    + " and unfinished ones are ended, when it starts (sortie server start).");
        }
        if (list.isEmpty()) {
            out.println(app == null ? "No deploys yet." : app + " has no deploys yet: push to deploy (git push production " + Homes.deployBranch(sortie, app) + ").");
            return ExitCodes.OK;
        }
        out.printf("%-26s %-14s %-8s %-10s %-18s %-20s %-8s %s%n", "DEPLOY", "APP", "COMMIT", "STATE", "STEP", "QUEUED (UTC)", "WORKER",
                "BY");
        for (DeployState d : list) {
            out.printf("%-26s %-14s %-8s %-10s %-18s %-20s %-8s %s%n", d.deployId(), d.app(), d.commit().substring(0, 7), d.status(),
                    step(d), d.queuedAt() == null ? "-" : TIME.format(d.queuedAt()), d.workerPid() == null ? "-" : d.workerPid(),
                    d.kind() + " by " + d.by());
        }
        return ExitCodes.OK;
    }

    private static String step(DeployState d) {
        if (!d.finished()) {
            return d.where();
        }
        return d.currentStep() == null ? "-" : d.currentStep().id();
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = {"Cancel a deploy: a queued one never runs; a running one is stopped and undone like a failure",
                "(traffic back on the previous release, the new instance drained and stopped). One that has committed finishes."})
    static final class Cancel implements Callable<Integer> {
        @Parameters(paramLabel = "APP|ID", description = "A deploy id, or an app (its running deploy, else its next queued one).")
        String target;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Deploys deploys = new Deploys(Homes.sortie());
            spec.commandLine().getOut().println(deploys.cancel(target, Apps.user()));
            return ExitCodes.OK;
        }
    }
}
