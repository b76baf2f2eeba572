package dev.sortie.steps;

import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.run.BotManager;
import dev.sortie.bots.run.RunResult;
import dev.sortie.bots.run.RunSpec;
import dev.sortie.bots.http.TreeLoader;
import dev.sortie.bots.tree.Node;
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
        Node node;
        try {
            node = new TreeLoader(checkout, checkout.resolve("bots"), ctx.home().buildsDir(ctx.app()).resolve("bots-classes"), true).load(tree);
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
            manager.start(new RunSpec(tree, node, target, RunSpec.Mode.INTEGRATION, n, 0, null, bots.botTimeout(), bots.timeout(), log), null);
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
        if (!result.passed()) {
            List<String> details = new ArrayList<>(result.failures().stream().limit(10).toList());
            if (result.failures().size() > 10) {
                details.add("... and " + (result.failures().size() - 10) + " more");
            }
            details.add("every action the bots ran: " + log);
            throw new StepFailure("smoke bots failed: " + result.reason(), details);
        }
        return StepResult.of(result.reason() + " (" + m.runs() + (m.runs() == 1 ? " action" : " actions") + ", worst p99 "
                + ActionSnapshot.millis(m.worstP99()) + ")");
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
