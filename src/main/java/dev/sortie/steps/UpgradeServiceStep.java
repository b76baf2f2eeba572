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
        Optional<InstanceInfo> standby = takeOverStandby(ctx, backend);
        if (standby.isPresent()) {
            InstanceInfo taken = standby.get();
            return StepResult.of("took over the standby instance of " + ctx.facts().source() + " (pid " + taken.pid() + " on port "
                    + taken.port() + "): no start needed", new StepOutput.InstanceUp(taken));
        }
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
            ctx.changes().startingInstance(ctx.releaseId(), port, InstanceSpec.masked(argv, env), release.run(), null);
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
            throw new StepFailure(e.getMessage() + " (see: sortie logs " + ctx.app() + ")", lastLines(log, 15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while waiting for the health check");
        }
        return StepResult.of(String.format(Locale.ROOT, "pid %d on port %d, healthy in %.1fs", started.pid(), port,
                Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0), new StepOutput.InstanceUp(started));
    }

    /**
     * A rollback to a release whose standby instance still runs (its files and config are the new release's) takes
     * that process back instead of starting one: only nginx has to switch. The intent is journalled first, so a
     * reconcile retires the instance if the deploy dies.
     */
    private static Optional<InstanceInfo> takeOverStandby(DeployContext ctx, ServiceBackend backend) throws StepFailure {
        String source = ctx.facts().source();
        if (!"rollback".equals(ctx.facts().kind()) || source == null) {
            return Optional.empty();
        }
        try {
            Optional<InstanceInfo> standby = backend.find(ctx.app(), source)
                    .filter(i -> InstanceInfo.STOPPING.equals(i.state()) && i.pid() > 0);
            if (standby.isEmpty()) {
                return Optional.empty();
            }
            ctx.changes().startingInstance(ctx.releaseId(), standby.get().port(), List.of("(standby of " + source + ")"),
                    ctx.release().map(StepOutput.ReleaseCopied::run).orElse(List.of()), source);
            Optional<InstanceInfo> taken = backend.takeOver(ctx.app(), source, ctx.releaseId());
            if (taken.isEmpty()) {
                return Optional.empty(); // its stop began meanwhile: start a fresh one
            }
            HttpWait.forPath(ctx.config().healthcheck().path()).withTimeout(ctx.config().healthcheck().timeout())
                    .accepting(ctx.config().healthcheck()::accepts).waitUntilReady(taken.get().port(), () -> deadReason(backend, ctx));
            return taken;
        } catch (IOException e) {
            throw new StepFailure("could not take over the standby instance of " + source + ": " + e.getMessage());
        } catch (HttpWait.NotReady e) {
            throw new StepFailure("the standby instance of " + source + " is not healthy: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while checking the standby instance");
        }
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
