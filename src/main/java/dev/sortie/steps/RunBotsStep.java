package dev.sortie.steps;

import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.http.TreeLoader;
import dev.sortie.bots.run.BotManager;
import dev.sortie.bots.run.LoadedTree;
import dev.sortie.bots.run.RunResult;
import dev.sortie.bots.run.RunSpec;
import dev.sortie.bots.run.Threshold;
import dev.sortie.bots.run.ThresholdResult;
import dev.sortie.bots.tree.TreeException;
import dev.sortie.config.BotsConfig;
import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepFailure;
import dev.sortie.pipeline.StepId;
import dev.sortie.pipeline.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Releases the app's smoke bots against the new release, in integration mode: every bot runs the
 * tree once and must reach done. A failure fails the deploy, which puts the previous release back.
 */
public final class RunBotsStep implements Step<DeployContext> {

    @Override
    public StepId id() {
        return StepId.RUN_BOTS;
    }

    @Override
    public StepResult run(DeployContext ctx, Consumer<String> output) throws StepFailure {
        BotsConfig bots = ctx.config().bots();
        if (!bots.enabled()) {
            return StepResult.of("smoke bots are off (bots.enabled: false in sortie.yml)");
        }
        Path checkout = ctx.buildDir();
        String tree = bots.treeOrDefault();
        if (!bots.explicit() && !Files.isRegularFile(checkout.resolve(tree))) {
            return StepResult.of("no bots configured (add " + BotsConfig.DEFAULT_TREE + " to smoke-test every release)");
        }
        List<Threshold> thresholds = thresholds(bots);
        LoadedTree loaded;
        try {
            loaded = new TreeLoader(checkout, checkout.resolve("bots"), ctx.home().buildsDir(ctx.app()).resolve("bots-classes"), true).open(tree);
        } catch (TreeException e) {
            throw new StepFailure("the smoke tree cannot be loaded: " + e.getMessage(), e.problems());
        } catch (IOException e) {
            throw new StepFailure("the smoke tree " + tree + " cannot be read: " + e.getMessage());
        }
        int port = ctx.instance().orElseThrow(() -> new StepFailure("no new instance to test")).port();
        String target = "http://127.0.0.1:" + port;
        Path log = ctx.home().logsDir(ctx.app()).resolve(ctx.releaseId() + ".bots.log");
        int n = bots.count();
        output.accept("releasing " + n + (n == 1 ? " bot" : " bots") + " (" + tree + ") against the new release at " + target);
        BotManager manager = new BotManager();
        RunResult result;
        try {
            List<Threshold> all = new ArrayList<>(loaded.thresholds());
            all.addAll(thresholds);
            manager.start(new RunSpec(tree, loaded.tree(), target, RunSpec.Mode.INTEGRATION, n, 0, null, bots.botTimeout(), bots.timeout(), log)
                    .withThresholds(all), null);
            result = manager.ended().get(bots.timeout().toSeconds() + 30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            manager.close();
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while the smoke bots ran");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            manager.close();
            throw new StepFailure("the smoke bots could not run: " + e);
        }
        MetricsSnapshot m = manager.metrics();
        summary(m).forEach(output);
        thresholdLines(result).forEach(output);
        if (!result.passed()) {
            List<String> details = new ArrayList<>();
            if (result.failures().size() > 1) {
                result.failures().stream().limit(10).forEach(f -> details.add(f.line()));
                if (result.failures().size() > 10) {
                    details.add("... and " + (result.failures().size() - 10) + " more");
                }
            }
            details.add("every action the bots ran: " + log);
            throw new StepFailure("smoke bots failed: " + result.reason(), details);
        }
        return StepResult.of(result.reason() + " (" + m.runs() + (m.runs() == 1 ? " action" : " actions") + ", worst p99 "
                + ActionSnapshot.millis(m.worstP99()) + ")");
    }

    /** sortie.yml's {@code bots.thresholds}, checked here: the config package does not know the bots' syntax. */
    static List<Threshold> thresholds(BotsConfig bots) throws StepFailure {
        List<Threshold> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < bots.thresholds().size(); i++) {
            try {
                out.add(Threshold.parse(bots.thresholds().get(i)));
            } catch (IllegalArgumentException e) {
                problems.add("sortie.yml: bots.thresholds[" + i + "]: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new StepFailure("sortie.yml's bots.thresholds " + (problems.size() == 1 ? "has a mistake" : "have " + problems.size() + " mistakes"),
                    problems);
        }
        return out;
    }

    /** {@code thresholds: 2 of 2 kept}, then one line each: {@code   ok  all: p99 < 500ms (measured 4.1ms)}. */
    static List<String> thresholdLines(RunResult result) {
        List<String> out = new ArrayList<>();
        if (result.thresholds().isEmpty()) {
            return out;
        }
        long kept = result.thresholds().stream().filter(ThresholdResult::passed).count();
        out.add("thresholds: " + kept + " of " + result.thresholds().size() + " kept");
        for (ThresholdResult t : result.thresholds()) {
            out.add(String.format(Locale.ROOT, "  %-6s %s (measured %s)", t.passed() ? "ok" : "FAILED", t.threshold(), t.actual()));
        }
        return out;
    }

    /** One line per action: {@code POST /api/notes   3 runs: 3 ok, 0 failed, 0 errors; p99 4.1ms}. */
    static List<String> summary(MetricsSnapshot m) {
        int width = m.actions().keySet().stream().mapToInt(String::length).max().orElse(0);
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, ActionSnapshot> e : m.actions().entrySet()) {
            ActionSnapshot a = e.getValue();
            out.add(String.format(Locale.ROOT, "  %-" + Math.min(width, 48) + "s %4d %s: %d ok, %d failed, %d errors; p99 %s",
                    e.getKey(), a.runs(), a.runs() == 1 ? "run" : "runs", a.successCount(), a.failCount(), a.errorCount(), ActionSnapshot.millis(a.p99())));
        }
        return out;
    }

}
