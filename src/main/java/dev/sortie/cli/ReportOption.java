package dev.sortie.cli;

import dev.sortie.bots.metrics.IntervalLog;
import dev.sortie.bots.metrics.MetricsSink;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.report.RunDir;
import dev.sortie.bots.report.RunSettings;
import dev.sortie.bots.run.RunResult;
import dev.sortie.bots.run.RunSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --report DIR} of {@code bots run} and {@code bots test}, and the interval log every run
 * writes: into DIR with the report, else beside {@code --log} ({@code bot_run.intervals.hlog}).
 */
final class ReportOption {

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write an HTML report into DIR when the run ends: DIR/index.html (self-contained, works offline) and its data "
                    + "(metrics.json, intervals.hlog); `sortie bots report DIR` renders it again.")
    Path dir;

    private Instant started;

    /** Opens the run's interval log; call just before the run starts. */
    List<MetricsSink> open(Path log) {
        started = Instant.now();
        Path where = dir != null ? dir : intervalLogBeside(log);
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(ExitCodes.USAGE, "--report " + dir + " is a file; give a directory (it is created if missing)");
        }
        try {
            IntervalLog intervals = dir != null ? RunDir.at(dir).openIntervalLog(started.toEpochMilli())
                    : IntervalLog.open(where, IntervalLog.sidecarOf(where), started.toEpochMilli());
            return List.of(intervals);
        } catch (IOException e) {
            throw new UserError(ExitCodes.UNAVAILABLE, "cannot write the interval log in " + (dir != null ? dir : where.getParent()) + ": " + e);
        }
    }

    /** {@code bot_run.log} -> {@code bot_run.intervals.hlog} (and {@code .jsonl}) in the same dir. */
    static Path intervalLogBeside(Path log) {
        Path abs = log.toAbsolutePath();
        String name = abs.getFileName().toString();
        String stem = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        return abs.resolveSibling(stem + ".intervals.hlog");
    }

    /** With --report: writes metrics.json and index.html once the run has ended, and says where; a failure is a warning. */
    void finish(PrintWriter out, RunSpec spec, MetricsSnapshot metrics, RunResult result) {
        if (dir == null) {
            return;
        }
        try {
            Path page = RunDir.at(dir).finish(RunSettings.of(spec, started), metrics, result);
            out.println("       report: " + page);
        } catch (IOException | RuntimeException e) {
            out.println("       warning: cannot write the report in " + dir + ": " + e.getMessage());
        }
    }
}
