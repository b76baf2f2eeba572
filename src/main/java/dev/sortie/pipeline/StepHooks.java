package dev.sortie.pipeline;

import java.util.function.Consumer;

/**
 * What runs around each step inside {@code call(step)}: a project's {@code before_<step>} and
 * {@code after_<step>} methods. A hook that fails, fails its step.
 *
 * @param <C> the deploy state the steps share
 */
public interface StepHooks<C> {

    void before(StepId step, C context, Consumer<DeployEvent> events) throws StepFailure;

    void after(StepId step, C context, Consumer<DeployEvent> events) throws StepFailure;

    /** No hooks: the project has no UpgradeHooks. */
    static <C> StepHooks<C> none() {
        return new StepHooks<>() {
            @Override
            public void before(StepId step, C context, Consumer<DeployEvent> events) {
            }

            @Override
            public void after(StepId step, C context, Consumer<DeployEvent> events) {
            }
        };
    }
}
