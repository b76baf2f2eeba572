package dev.sortie.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs the steps in order, each through {@link #call}: before-hook, step, after-hook. Owns
 * timing, events and the failure policy: the first failure stops the pipeline.
 *
 * @param <C> the deploy state the steps share
 */
public final class PipelineRunner<C> {

    private final List<Step<C>> steps;
    private final StepHooks<C> hooks;
    private final Consumer<DeployEvent> events;

    public PipelineRunner(List<Step<C>> steps, StepHooks<C> hooks, Consumer<DeployEvent> events) {
        this.steps = List.copyOf(steps);
        this.hooks = hooks;
        this.events = events;
    }

    /** The result of a whole run. */
    public sealed interface Outcome {
        List<StepTiming> timings();

        /** Every step completed. */
        record Completed(List<StepTiming> timings) implements Outcome {
        }

        /** A step failed; later steps did not run. */
        record Failed(StepId step, StepFailure failure, List<StepTiming> timings) implements Outcome {
        }
    }

    /** How long one step took, hooks included, and whether it completed. */
    public record StepTiming(StepId step, Duration took, boolean ok) {
    }

    public Outcome run(C context) {
        List<StepTiming> timings = new ArrayList<>();
        for (Step<C> step : steps) {
            long start = System.nanoTime();
            try {
                call(step, context);
                timings.add(new StepTiming(step.id(), since(start), true));
            } catch (StepFailure failure) {
                Duration took = since(start);
                timings.add(new StepTiming(step.id(), took, false));
                events.accept(new DeployEvent.StepFailed(step.id(), failure.getMessage(), failure.details(), took));
                return new Outcome.Failed(step.id(), failure, timings);
            }
        }
        return new Outcome.Completed(timings);
    }

    /** {@code before_<step>}, the step, {@code after_<step>}; the after-hook does not run when the step failed. */
    private void call(Step<C> step, C context) throws StepFailure {
        events.accept(new DeployEvent.StepStarted(step.id()));
        hooks.before(step.id(), context, events);
        long start = System.nanoTime();
        StepResult result;
        try {
            result = step.run(context, line -> events.accept(new DeployEvent.Output(step.id(), line)));
        } catch (StepFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StepFailure("internal error in step " + step.id() + ": " + e, List.of(), e);
        }
        if (result.output() != null && context instanceof StepOutputs outputs) {
            outputs.put(result.output());
        }
        events.accept(new DeployEvent.StepDone(step.id(), result.summary(), since(start)));
        hooks.after(step.id(), context, events);
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
