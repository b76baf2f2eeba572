package dev.sortie.steps;

import dev.sortie.exec.Command;
import dev.sortie.exec.CommandFailedException;
import dev.sortie.exec.CommandRunner;
import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepFailure;
import dev.sortie.pipeline.StepId;
import dev.sortie.pipeline.StepResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The deps and compile steps: run the build command that {@code sortie.yml} or the build system gives. */
public class BuildCommandStep implements Step<DeployContext> {

    static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final StepId id;

    public BuildCommandStep(StepId id) {
        this.id = id;
    }

    @Override
    public StepId id() {
        return id;
    }

    @Override
    public StepResult run(DeployContext ctx, Consumer<String> output) throws StepFailure {
        Optional<List<String>> argv = commandFor(ctx);
        if (argv.isEmpty()) {
            return StepResult.of("skipped: " + (configured(ctx) != null ? "sortie.yml sets steps." + id + ": []" : BuildSystem.detect(ctx.buildDir()).describe()));
        }
        Command command = new Command(argv.get(), ctx.buildDir(), BuildEnvironment.forBuild(ctx));
        runCommand(command, output);
        return StepResult.of(command.display());
    }

    /** The argv to run: {@code sortie.yml}'s, else the build system's; empty to skip. */
    Optional<List<String>> commandFor(DeployContext ctx) {
        List<String> configured = configured(ctx);
        if (configured != null) {
            return configured.isEmpty() ? Optional.empty() : Optional.of(configured);
        }
        return BuildSystem.detect(ctx.buildDir()).command(id);
    }

    private List<String> configured(DeployContext ctx) {
        var steps = ctx.config().steps();
        return switch (id) {
            case DEPS -> steps.deps();
            case COMPILE -> steps.compile();
            case PACKAGE -> steps.packaging();
            default -> throw new IllegalStateException(id + " has no build command");
        };
    }

    static void runCommand(Command command, Consumer<String> output) throws StepFailure {
        try {
            new CommandRunner(TIMEOUT).run(command, output);
        } catch (CommandFailedException e) {
            throw new StepFailure(e.getMessage(), List.of());
        }
    }
}
