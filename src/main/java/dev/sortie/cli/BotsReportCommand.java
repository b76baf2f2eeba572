package dev.sortie.cli;

import dev.sortie.bots.report.RunDir;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sortie bots report RUN_DIR}: renders a run's index.html again from its metrics.json and interval log. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Render RUN_DIR/index.html again from the run's data (metrics.json, intervals.hlog, intervals.jsonl),",
            "as written by `sortie bots run|test --report RUN_DIR` or `sortie bots serve` (its --log-dir/report)."})
final class BotsReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", description = "The run's report directory.")
    Path runDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path page;
        try {
            page = RunDir.at(runDir).render();
        } catch (NoSuchFileException e) {
            throw new UserError(ExitCodes.CONFIG, "cannot render a report from " + runDir + ": " + e.getFile()
                    + (e.getReason() == null ? ": missing" : ": " + e.getReason()));
        } catch (IOException e) {
            throw new UserError(ExitCodes.CONFIG, "cannot render a report from " + runDir + ": " + e.getMessage());
        }
        spec.commandLine().getOut().println("-----> Report: " + page);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
