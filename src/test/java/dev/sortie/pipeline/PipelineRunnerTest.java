package dev.sortie.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PipelineRunnerTest {

    /** The shared context is a log of what ran, in order. */
    private final List<String> calls = new ArrayList<>();
    private final List<DeployEvent> events = new ArrayList<>();
    /** Steps whose call() began, in order; kept apart so the other assertions read only what a step reports. */
    private final List<StepId> startedSteps = new ArrayList<>();

    private void record(DeployEvent e) {
        if (e instanceof DeployEvent.StepStarted s) {
            startedSteps.add(s.step());
            calls.add("started:" + s.step());
        } else {
            events.add(e);
        }
    }

    /** A step that logs itself, prints its output lines, then does what {@code body} says. */
    private record FakeStep(StepId id, List<String> output, Body body) implements Step<List<String>> {

        @FunctionalInterface
        interface Body {
            String run() throws StepFailure;
        }

        static FakeStep ok(StepId id, String summary, String... output) {
            return new FakeStep(id, List.of(output), () -> summary);
        }

        static FakeStep failing(StepId id, StepFailure failure) {
            return new FakeStep(id, List.of(), () -> {
                throw failure;
            });
        }

        @Override
        public StepResult run(List<String> context, Consumer<String> out) throws StepFailure {
            context.add(id.id());
            output.forEach(out);
            return StepResult.of(body.run());
        }
    }

    /** Records before/after calls; fails the hooks named in {@code failing} (e.g. "before_compile"). */
    private record RecordingHooks(Set<String> failing) implements StepHooks<List<String>> {

        @Override
        public void before(StepId step, List<String> context, Consumer<DeployEvent> events) throws StepFailure {
            hook("before_" + step.id(), context);
        }

        @Override
        public void after(StepId step, List<String> context, Consumer<DeployEvent> events) throws StepFailure {
            hook("after_" + step.id(), context);
        }

        private void hook(String name, List<String> context) throws StepFailure {
            context.add(name);
            if (failing.contains(name)) {
                throw new StepFailure(name + " threw", List.of("at Hooks.java:12"));
            }
        }
    }

    private PipelineRunner.Outcome run(Set<String> failingHooks, List<Step<List<String>>> steps) {
        PipelineRunner.Outcome outcome = new PipelineRunner<>(steps, new RecordingHooks(failingHooks), this::record).run(calls);
        calls.removeIf(c -> c.startsWith("started:"));
        return outcome;
    }

    private static List<StepId> ids(List<PipelineRunner.StepTiming> timings) {
        return timings.stream().map(PipelineRunner.StepTiming::step).toList();
    }

    private static List<Boolean> oks(List<PipelineRunner.StepTiming> timings) {
        return timings.stream().map(PipelineRunner.StepTiming::ok).toList();
    }

    @Test
    void stepsRunInOrderEachWrappedInItsHooks() {
        var outcome = run(Set.of(), List.of(
                FakeStep.ok(StepId.DEPS, "mvn deps", "Downloading x"),
                FakeStep.ok(StepId.COMPILE, "mvn compile"),
                FakeStep.ok(StepId.PACKAGE, "mvn package", "line 1", "line 2")));

        assertEquals(List.of(
                "before_deps", "deps", "after_deps",
                "before_compile", "compile", "after_compile",
                "before_package", "package", "after_package"), calls);
        var completed = assertInstanceOf(PipelineRunner.Outcome.Completed.class, outcome);
        assertEquals(List.of(StepId.DEPS, StepId.COMPILE, StepId.PACKAGE), ids(completed.timings()));
        assertEquals(List.of(true, true, true), oks(completed.timings()));
        assertTrue(completed.timings().stream().allMatch(t -> !t.took().isNegative()));
    }

    @Test
    void eventsAreOutputThenStepDone() {
        run(Set.of(), List.of(
                FakeStep.ok(StepId.DEPS, "mvn deps", "Downloading x"),
                FakeStep.ok(StepId.COMPILE, "mvn compile", "a", "b")));

        assertEquals(5, events.size(), events::toString);
        assertEquals(new DeployEvent.Output(StepId.DEPS, "Downloading x"), events.get(0));
        var deps = assertInstanceOf(DeployEvent.StepDone.class, events.get(1));
        assertEquals(StepId.DEPS, deps.step());
        assertEquals("mvn deps", deps.summary());
        assertEquals(new DeployEvent.Output(StepId.COMPILE, "a"), events.get(2));
        assertEquals(new DeployEvent.Output(StepId.COMPILE, "b"), events.get(3));
        var compile = assertInstanceOf(DeployEvent.StepDone.class, events.get(4));
        assertEquals(StepId.COMPILE, compile.step());
        assertEquals("mvn compile", compile.summary());
    }

    @Test
    void failingStepStopsThePipeline() {
        StepFailure failure = new StepFailure("mvn -B -q compile exited with 1", List.of("[ERROR] Main.java:[3,1] ';' expected"));
        var outcome = run(Set.of(), List.of(
                FakeStep.ok(StepId.DEPS, "deps"),
                FakeStep.failing(StepId.COMPILE, failure),
                FakeStep.ok(StepId.PACKAGE, "package")));

        assertEquals(List.of("before_deps", "deps", "after_deps", "before_compile", "compile"), calls,
                "no after_compile, no package");
        var failed = assertInstanceOf(PipelineRunner.Outcome.Failed.class, outcome);
        assertEquals(StepId.COMPILE, failed.step());
        assertSame(failure, failed.failure());
        assertEquals(List.of(StepId.DEPS, StepId.COMPILE), ids(failed.timings()));
        assertEquals(List.of(true, false), oks(failed.timings()));

        var last = assertInstanceOf(DeployEvent.StepFailed.class, events.getLast());
        assertEquals(StepId.COMPILE, last.step());
        assertEquals("mvn -B -q compile exited with 1", last.reason());
        assertEquals(List.of("[ERROR] Main.java:[3,1] ';' expected"), last.details());
        assertEquals(failed.timings().get(1).took(), last.took());
        assertTrue(events.stream().noneMatch(e -> e instanceof DeployEvent.StepDone d && d.step() == StepId.COMPILE));
        assertTrue(events.stream().noneMatch(e -> e instanceof DeployEvent.StepDone d && d.step() == StepId.PACKAGE));
    }

    @Test
    void failingBeforeHookFailsTheStepWithoutRunningIt() {
        var outcome = run(Set.of("before_compile"), List.of(
                FakeStep.ok(StepId.DEPS, "deps"),
                FakeStep.ok(StepId.COMPILE, "compile"),
                FakeStep.ok(StepId.PACKAGE, "package")));

        assertEquals(List.of("before_deps", "deps", "after_deps", "before_compile"), calls);
        var failed = assertInstanceOf(PipelineRunner.Outcome.Failed.class, outcome);
        assertEquals(StepId.COMPILE, failed.step());
        assertEquals("before_compile threw", failed.failure().getMessage());
        assertEquals(new DeployEvent.StepFailed(StepId.COMPILE, "before_compile threw", List.of("at Hooks.java:12"),
                failed.timings().getLast().took()), events.getLast());
        assertEquals(List.of(true, false), oks(failed.timings()));
    }

    @Test
    void failingAfterHookFailsItsStepAfterStepDone() {
        var outcome = run(Set.of("after_deps"), List.of(
                FakeStep.ok(StepId.DEPS, "deps"),
                FakeStep.ok(StepId.COMPILE, "compile")));

        assertEquals(List.of("before_deps", "deps", "after_deps"), calls);
        var failed = assertInstanceOf(PipelineRunner.Outcome.Failed.class, outcome);
        assertEquals(StepId.DEPS, failed.step());
        assertEquals(2, events.size(), events::toString);
        assertInstanceOf(DeployEvent.StepDone.class, events.get(0));
        assertEquals("after_deps threw", assertInstanceOf(DeployEvent.StepFailed.class, events.get(1)).reason());
        assertEquals(List.of(StepId.DEPS), ids(failed.timings()));
        assertEquals(List.of(false), oks(failed.timings()));
    }

    @Test
    void runtimeExceptionBecomesAnInternalErrorFailure() {
        IllegalStateException bug = new IllegalStateException("boom");
        var outcome = run(Set.of(), List.of(
                new FakeStep(StepId.PACKAGE, List.of(), () -> {
                    throw bug;
                }),
                FakeStep.ok(StepId.MAKE_UPGRADE_DIR, "mkdir")));

        assertEquals(List.of("before_package", "package"), calls);
        var failed = assertInstanceOf(PipelineRunner.Outcome.Failed.class, outcome);
        assertEquals(StepId.PACKAGE, failed.step());
        assertEquals("internal error in step package: java.lang.IllegalStateException: boom", failed.failure().getMessage());
        assertSame(bug, failed.failure().getCause());
        assertEquals(List.of(), failed.failure().details());
        var event = assertInstanceOf(DeployEvent.StepFailed.class, events.getLast());
        assertTrue(event.reason().contains("internal error"), event.reason());
    }

    @Test
    void noStepsCompletesEmpty() {
        var outcome = run(Set.of(), List.of());
        assertEquals(new PipelineRunner.Outcome.Completed(List.of()), outcome);
        assertEquals(List.of(), calls);
        assertEquals(List.of(), events);
    }

    @Test
    void timingIncludesHooksAndStep() {
        Step<List<String>> slow = new FakeStep(StepId.DEPS, List.of(), () -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "slept";
        });
        var outcome = run(Set.of(), List.of(slow));
        Duration took = outcome.timings().getFirst().took();
        assertTrue(took.compareTo(Duration.ofMillis(30)) >= 0, took::toString);
        var done = assertInstanceOf(DeployEvent.StepDone.class, events.getLast());
        assertTrue(done.took().compareTo(Duration.ofMillis(30)) >= 0, done.took()::toString);
        assertTrue(done.took().compareTo(took) <= 0, "the step's own time is within the timing that includes its hooks");
    }

    @Test
    void hooksNoneDoesNothing() {
        var outcome = new PipelineRunner<List<String>>(List.of(FakeStep.ok(StepId.DEPS, "d")), StepHooks.none(), this::record).run(calls);
        assertEquals(List.of("started:deps", "deps"), calls);
        assertEquals(List.of(true), oks(outcome.timings()));
    }

    @Test
    void aStepIsAnnouncedWhenItsCallBegins() {
        run(Set.of("after_compile"), List.of(FakeStep.ok(StepId.DEPS, "d"), FakeStep.ok(StepId.COMPILE, "c"), FakeStep.ok(StepId.PACKAGE, "p")));
        assertEquals(List.of(StepId.DEPS, StepId.COMPILE), startedSteps, "a failed step was started; the one after it was not");
    }
}
