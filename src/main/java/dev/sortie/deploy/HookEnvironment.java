package dev.sortie.deploy;

import dev.sortie.exec.Command;
import dev.sortie.exec.CommandFailedException;
import dev.sortie.exec.CommandRunner;
import dev.sortie.hooks.DeployEnv;
import dev.sortie.hooks.HookException;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.InstanceInfo;
import dev.sortie.steps.BuildEnvironment;
import dev.sortie.steps.DeployContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * The read-only snapshot of a deploy a hook receives: plain values and unmodifiable maps, a log
 * that reaches the pusher, and {@code run} for argv commands in the build dir.
 */
record HookEnvironment(
        String app,
        String commit,
        Optional<String> previousCommit,
        String branch,
        String releaseId,
        Path releaseDir,
        Path buildDir,
        OptionalInt port,
        Map<String, String> config,
        boolean firstDeploy,
        String kind,
        Map<String, String> commandEnv,
        Duration commandTimeout,
        Consumer<String> output) implements DeployEnv {

    HookEnvironment {
        config = Map.copyOf(config);
        commandEnv = Map.copyOf(commandEnv);
    }

    static HookEnvironment of(DeployContext ctx, Consumer<String> output) {
        return new HookEnvironment(ctx.app(), ctx.commit(), ctx.previous().map(ReleaseRecord::commit), ctx.branch(), ctx.releaseId(),
                ctx.services().releases().dir(ctx.releaseId()).resolve(ReleaseStore.APP_DIR), ctx.buildDir(),
                ctx.instance().map(InstanceInfo::port).map(OptionalInt::of).orElse(OptionalInt.empty()),
                ctx.appEnv(), ctx.previous().isEmpty(), DeployQueue.DEPLOY.equals(ctx.facts().kind()) ? DeployQueue.PUSH : ctx.facts().kind(),
                BuildEnvironment.forBuild(ctx), ctx.config().hooks().timeout(), output);
    }

    @Override
    public void log(String message) {
        for (String line : String.valueOf(message).split("\n", -1)) {
            output.accept(line);
        }
    }

    @Override
    public void run(String... argv) {
        if (argv == null || argv.length == 0) {
            throw new HookException("run() needs at least a program name");
        }
        Command command = new Command(List.of(argv), buildDir, commandEnv);
        try {
            new CommandRunner(commandTimeout).run(command, output);
        } catch (CommandFailedException e) {
            throw new HookException(e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "DeployEnv[app=" + app + ", commit=" + commit + ", release=" + releaseId + "]";
    }
}
