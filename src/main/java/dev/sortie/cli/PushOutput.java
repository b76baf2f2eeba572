package dev.sortie.cli;

import dev.sortie.exec.Durations;
import dev.sortie.pipeline.DeployEvent;
import java.io.PrintStream;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Renders deploy events as push output, Heroku style: the one renderer behind a push, {@code sortie
 * deploy}, {@code sortie logs --deploy} and reattaching. Over git every line arrives prefixed with
 * {@code remote:}. Intents and bookkeeping events print nothing.
 */
final class PushOutput implements Consumer<DeployEvent> {

    private static final String STEP = "-----> ";
    private static final String INDENT = "       ";
    private static final String FAIL = " !     ";
    private static final String DONE = "=====> ";

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");

    private final PrintStream out;
    /** From the deploy's Queued line: push, deploy, rollback, config or restart, and the stored release it runs. */
    private String kind;
    private String source;
    /** The commit the deploy started with, for the retry line of a failure; null until it started. */
    private String commit;

    PushOutput(PrintStream out) {
        this.out = out;
    }

    /** How to try a failed deploy again: a push of a commit git already has runs no hook ("Everything up-to-date"). */
    private String retry(String app) {
        return switch (kind == null ? "" : kind) {
            case "rollback" -> "To try this rollback again: sortie rollback " + app + " " + source;
            case "restart" -> "To try again: sortie restart " + app;
            case "config" -> "The new config is kept for the next deploy (see: sortie config " + app + "); change it back with sortie config set/unset";
            default -> "To deploy this commit again: sortie deploy " + app + (commit == null ? "" : " " + commit.substring(0, 7))
                    + " (a push of the same commit does nothing)";
        };
    }

    @Override
    public synchronized void accept(DeployEvent event) {
        switch (event) {
            case DeployEvent.Queued q -> {
                kind = q.kind();
                source = q.source();
            }
            case DeployEvent.WorkerStarted w -> {
            }
            case DeployEvent.StepStarted s -> {
            }
            case DeployEvent.StartingInstance s -> {
            }
            case DeployEvent.SwitchingNginx s -> {
            }
            case DeployEvent.Committing c -> {
            }
            case DeployEvent.Aborting a -> {
            }
            case DeployEvent.Started s -> {
                commit = s.commit();
                line(STEP + s.app() + ": " + switch (kind == null ? "" : kind) {
                    case "rollback" -> "rolling back to " + source + " (" + s.commit().substring(0, 7) + ")";
                    case "config" -> "deploying a config change on " + source + " (" + s.commit().substring(0, 7) + ")";
                    case "restart" -> "restarting " + source + " (" + s.commit().substring(0, 7) + ")";
                    default -> "deploying " + s.commit().substring(0, 7) + " (" + s.branch() + ")";
                } + " as release " + s.releaseId());
            }
            case DeployEvent.HooksLoaded h -> line(columns(STEP, "hooks", h.file() + ": " + (h.hooks().isEmpty() ? "no hooks"
                    : String.join(", ", h.hooks())) + (h.cached() ? " (cached)" : " (compiled)"), Durations.format(h.took())));
            case DeployEvent.Notice n -> line(STEP + n.line());
            case DeployEvent.Output o -> {
                String text = printable(o.line());
                if (!text.isBlank()) {
                    line(INDENT + text);
                }
            }
            case DeployEvent.HookRan h -> line(columns(h.step() == null ? STEP : INDENT, h.hook(), h.summary(), Durations.format(h.took())));
            case DeployEvent.StepDone d -> line(columns(STEP, d.step().id(), d.summary(), Durations.format(d.took())));
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
            case DeployEvent.Retiring r -> line(STEP + "old release " + String.join(", ", r.releases()) + " drains for "
                    + Durations.format(r.drain()) + ", then stops");
            case DeployEvent.Reverted r -> {
                if (r.siteRestored()) {
                    line(STEP + "moved traffic back to " + (r.servingRelease() == null ? "nothing (no site: nothing was live)"
                            : "the previous release " + r.servingRelease()));
                }
                if (r.instanceRetired()) {
                    line(STEP + "the new instance " + (r.drain().isZero() ? "stops" : "drains for " + Durations.format(r.drain())
                            + ", then stops"));
                }
                r.problems().forEach(p -> line(FAIL + "warning: " + p));
            }
            case DeployEvent.Live l -> line(DONE + l.app() + " " + l.releaseId() + " is live at " + l.url());
            case DeployEvent.Failed f -> {
                String where = f.step() == null ? "before the first step" : "at " + f.step();
                String serving = !f.restored()
                        ? "Undoing the deploy failed too (see the warnings above): check what serves with sortie ps and sortie url."
                        : f.previousRelease() == null
                        ? "Nothing was live before this deploy, and nothing was left running."
                        : "The previous release " + f.previousRelease() + " is still serving.";
                line(DONE + f.app() + " deploy FAILED " + where + ": " + firstLine(f.reason()));
                if (f.step() == null) { // no StepFailed showed the rest: e.g. every mistake in sortie.yml, one a line
                    f.reason().lines().skip(1).forEach(more -> line(FAIL + more));
                }
                line(DONE + serving);
                line(DONE + retry(f.app()));
            }
            case DeployEvent.Skipped s -> {
                line(DONE + s.app() + " deploy skipped: " + s.reason());
                if (s.follow() != null) {
                    line(DONE + "Follow the deploy that runs instead: sortie logs " + s.app() + " --deploy " + s.follow() + " -f");
                }
            }
        }
    }

    private static String columns(String prefix, String name, String summary, String took) {
        return String.format("%s%-17s %-44s %6s", prefix, name, summary, took);
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
    }
}
