package dev.sortie.steps;

import dev.sortie.config.Healthcheck;
import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepFailure;
import dev.sortie.pipeline.StepId;
import dev.sortie.pipeline.StepResult;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.FreePort;
import dev.sortie.service.HttpWait;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.InstanceSpec;
import dev.sortie.service.ListeningPorts;
import dev.sortie.service.ServiceBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Starts the new release on a fresh port beside the old one and waits until it passes its health check. */
public final class UpgradeServiceStep implements Step<DeployContext> {

    @Override
    public StepId id() {
        return StepId.UPGRADE_SERVICE;
    }

    @Override
    public StepResult run(DeployContext ctx, Consumer<String> output) throws StepFailure {
        ServiceBackend backend = ctx.services().backend();
        StepOutput.ReleaseCopied release = ctx.release().orElseThrow(() -> new StepFailure("copy_release did not run"));
        Path workDir = release.dir().resolve(ReleaseStore.APP_DIR);
        Path log = ctx.home().logsDir(ctx.app()).resolve(ctx.releaseId() + ".log");
        InstanceInfo started;
        int port;
        try {
            port = FreePort.pick();
            Map<String, String> env = BuildEnvironment.forInstance(ctx, port);
            List<String> argv;
            try {
                argv = RunCommand.expand(release.run(), env);
            } catch (IllegalArgumentException e) {
                throw new StepFailure(e.getMessage());
            }
            ctx.changes().startingInstance(ctx.releaseId(), port, argv);
            started = backend.start(new InstanceSpec(ctx.app(), ctx.releaseId(), workDir.toString(), argv, env, port, log.toString()));
        } catch (IOException e) {
            throw new StepFailure("could not start the new release: " + e.getMessage());
        }
        output.accept("started pid " + started.pid() + " on port " + port + "; waiting for GET " + ctx.config().healthcheck().path());
        Healthcheck check = ctx.config().healthcheck();
        long start = System.nanoTime();
        try {
            HttpWait.forPath(check.path()).withTimeout(check.timeout()).accepting(check::accepts)
                    .waitUntilReady(port, () -> deadReason(backend, ctx));
        } catch (HttpWait.NotReady e) {
            String elsewhere = ListeningPorts.hint(ListeningPorts.of(started.pid()), port).map(h -> "; " + h).orElse("");
            throw new StepFailure(e.getMessage() + elsewhere + " (see: sortie logs " + ctx.app() + ")", lastLines(log, 15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while waiting for the health check");
        }
        return StepResult.of(String.format(Locale.ROOT, "pid %d on port %d, healthy in %.1fs", started.pid(), port,
                Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0), new StepOutput.InstanceUp(started));
    }

    /** Non-null when the instance has crashed: no point waiting for it. */
    private static String deadReason(ServiceBackend backend, DeployContext ctx) {
        try {
            Optional<InstanceInfo> info = backend.find(ctx.app(), ctx.releaseId());
            if (info.isEmpty()) {
                return "the instance is gone";
            }
            if (InstanceInfo.RESTARTING.equals(info.get().state())) {
                return "the process exited with code " + info.get().lastExit();
            }
            return null;
        } catch (IOException e) {
            return "the sortie server stopped answering: " + e.getMessage();
        }
    }

    static List<String> lastLines(Path log, int n) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.subList(Math.max(0, lines.size() - n), lines.size()).stream().map(l -> "| " + l).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }
}
