package dev.sortie.deploy;

import dev.sortie.hooks.runtime.HookFailed;
import dev.sortie.hooks.runtime.ProjectHooks;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.StepFailure;
import dev.sortie.pipeline.StepHooks;
import dev.sortie.pipeline.StepId;
import dev.sortie.steps.DeployContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Runs a project's {@code before_<step>} / {@code after_<step>} methods inside the pipeline's {@code call(step)}. */
final class UpgradeHooksAdapter implements StepHooks<DeployContext> {

    private final ProjectHooks hooks;

    UpgradeHooksAdapter(ProjectHooks hooks) {
        this.hooks = hooks;
    }

    @Override
    public void before(StepId step, DeployContext ctx, Consumer<DeployEvent> events) throws StepFailure {
        run("before_" + step.id(), step, ctx, events);
    }

    @Override
    public void after(StepId step, DeployContext ctx, Consumer<DeployEvent> events) throws StepFailure {
        run("after_" + step.id(), step, ctx, events);
    }

    private void run(String hook, StepId step, DeployContext ctx, Consumer<DeployEvent> events) throws StepFailure {
        if (!hooks.has(hook)) {
            return;
        }
        long start = System.nanoTime();
        try {
            hooks.call(hook, HookEnvironment.of(ctx, line -> events.accept(new DeployEvent.Output(step, line))),
                    ctx.config().hooks().timeout());
        } catch (HookFailed e) {
            events.accept(new DeployEvent.HookRan(step, hook, hooks.className() + " FAILED", Duration.ofNanos(System.nanoTime() - start)));
            throw new StepFailure(hooks.className() + "." + e.getMessage(), e.details(), e.getCause());
        }
        events.accept(new DeployEvent.HookRan(step, hook, hooks.className(), Duration.ofNanos(System.nanoTime() - start)));
    }

    /** Runs {@code on_failure} once; its own failure is reported without hiding the first. */
    void onFailure(DeployContext ctx, StepId failedStep, Throwable error, Consumer<DeployEvent> events) {
        if (!hooks.has(ProjectHooks.ON_FAILURE)) {
            return;
        }
        long start = System.nanoTime();
        String stepId = failedStep == null ? "" : failedStep.id();
        try {
            hooks.onFailure(HookEnvironment.of(ctx, line -> events.accept(new DeployEvent.Notice("on_failure: " + line))), stepId, error,
                    ctx.config().hooks().timeout());
            events.accept(new DeployEvent.HookRan(null, ProjectHooks.ON_FAILURE, hooks.className(), Duration.ofNanos(System.nanoTime() - start)));
        } catch (HookFailed e) {
            List<String> lines = new ArrayList<>();
            lines.add("on_failure itself failed too (the deploy failure above is the first): " + hooks.className() + "." + e.getMessage());
            lines.addAll(e.details());
            events.accept(new DeployEvent.Problem(lines));
        }
    }
}
