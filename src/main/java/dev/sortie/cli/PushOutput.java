package dev.sortie.cli;

import dev.sortie.exec.Durations;
import dev.sortie.pipeline.DeployEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Renders deploy events as push output, Heroku style, and keeps the same text in
 * {@code logs/deploy-<release>.log}. Over git every line arrives prefixed with {@code remote:}.
 */
final class PushOutput implements Consumer<DeployEvent>, AutoCloseable {

    private static final String STEP = "-----> ";
    private static final String INDENT = "       ";
    private static final String FAIL = " !     ";
    private static final String DONE = "=====> ";

    private static final java.util.regex.Pattern ANSI = java.util.regex.Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");

    private final PrintStream out;
    private final Function<String, Path> logFileForRelease;
    private final List<String> pending = new ArrayList<>();
    private PrintStream log;

    /** @param logFileForRelease where the deploy log of a release goes, or null to keep none */
    PushOutput(PrintStream out, Function<String, Path> logFileForRelease) {
        this.out = out;
        this.logFileForRelease = logFileForRelease;
    }

    @Override
    public synchronized void accept(DeployEvent event) {
        switch (event) {
            case DeployEvent.Started s -> {
                openLog(s.releaseId());
                line(STEP + s.app() + ": deploying " + s.commit().substring(0, 7) + " (" + s.branch() + ") as release " + s.releaseId());
            }
            case DeployEvent.Notice n -> line(STEP + n.line());
            case DeployEvent.Output o -> {
                String text = printable(o.line());
                if (!text.isBlank()) {
                    line(INDENT + text);
                }
            }
            case DeployEvent.HookRan h -> line(String.format("%s%-17s %-44s %6s", INDENT, h.hook(), h.summary(), Durations.format(h.took())));
            case DeployEvent.StepDone d -> line(String.format("%s%-17s %-44s %6s", STEP, d.step(), d.summary(), Durations.format(d.took())));
            case DeployEvent.StepFailed f -> {
                line(String.format("%s%-17s FAILED after %s", STEP, f.step(), Durations.format(f.took())));
                for (String reasonLine : f.reason().split("\n")) {
                    line(FAIL + reasonLine);
                }
                for (String detail : f.details()) {
                    line(FAIL + detail);
                }
            }
            case DeployEvent.Problem p -> p.lines().forEach(l -> line(FAIL + l));
            case DeployEvent.Live l -> line(DONE + l.app() + " " + l.releaseId() + " is live at " + l.url());
            case DeployEvent.Failed f -> {
                String where = f.step() == null ? "before the first step" : "at " + f.step();
                String serving = !f.restored()
                        ? "Undoing the deploy failed too (see the warnings above): check what serves with sortie ps and sortie url."
                        : f.previousRelease() == null
                        ? "Nothing was live before this deploy, and nothing was started."
                        : "The previous release " + f.previousRelease() + " is still serving.";
                line(DONE + f.app() + " deploy FAILED " + where + ": " + firstLine(f.reason()));
                line(DONE + serving);
            }
        }
    }

    /** Drops terminal escape sequences and control characters that would garble the pusher's screen. */
    static String printable(String text) {
        return ANSI.matcher(text).replaceAll("").replaceAll("[\\p{Cntrl}&&[^\t]]", "");
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private void line(String text) {
        out.println(text);
        out.flush();
        if (log != null) {
            log.println(text);
        } else if (logFileForRelease != null) {
            pending.add(text); // lines before the release id is known go to the log once it opens
        }
    }

    private void openLog(String releaseId) {
        if (logFileForRelease == null || log != null) {
            return;
        }
        try {
            Path file = logFileForRelease.apply(releaseId);
            Files.createDirectories(file.getParent());
            log = new PrintStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), true,
                    StandardCharsets.UTF_8);
            pending.forEach(log::println);
            pending.clear();
        } catch (IOException e) {
            out.println(FAIL + "warning: cannot write the deploy log: " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (log != null) {
            log.close();
        }
    }
}
