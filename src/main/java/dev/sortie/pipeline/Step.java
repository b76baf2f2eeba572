package dev.sortie.pipeline;

import java.util.function.Consumer;

/**
 * One deploy step: it only does its work. Order, timing, hooks, events and failure policy
 * belong to {@link PipelineRunner}.
 *
 * @param <C> the deploy state the steps share
 */
public interface Step<C> {

    StepId id();

    /**
     * Does the step's work, printing progress lines to {@code output}.
     *
     * @return a short summary for the step's line in the push output (e.g. the command it ran), and
     *         what later steps need of this one
     * @throws StepFailure when the step cannot complete; its message is shown to the pusher
     */
    StepResult run(C context, Consumer<String> output) throws StepFailure;
}
