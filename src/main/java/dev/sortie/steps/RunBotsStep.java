package dev.sortie.steps;

import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepId;
import java.util.function.Consumer;

/** Runs the app's smoke bots against the new release. The bot army is not built yet, so there are none to run. */
public final class RunBotsStep implements Step<DeployContext> {

    @Override
    public StepId id() {
        return StepId.RUN_BOTS;
    }

    @Override
    public String run(DeployContext ctx, Consumer<String> output) {
        return "no bots configured";
    }
}
