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
import dev.sortie.service.RunAs;
import dev.sortie.service.ListeningPorts;
import dev.sortie.service.ServiceBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
        int count = ctx.config().instances();
        try {
            if (ctx.services().releases().readEnv(ctx.releaseId()).isEmpty()) {
                // before any instance starts, so whatever becomes of the deploy, its release has the config it ran with
                ctx.services().releases().writeEnv(ctx.releaseId(), ctx.appEnv());
            }
        } catch (IOException e) {
            throw new StepFailure("cannot write the release's config snapshot: " + e.getMessage());
        }
        List<InstanceInfo> up = new ArrayList<>(takeOverStandby(ctx, backend, count));
        if (!up.isEmpty()) {
            output.accept("took over the standby " + (up.size() == 1 ? "instance" : up.size() + " instances") + " of "
                    + ctx.facts().source() + " (" + describe(up) + ")");
        }
        long start = System.nanoTime();
        List<InstanceInfo> started = new ArrayList<>();
        for (int index = up.size() + 1; index <= count; index++) {
            started.add(start(ctx, backend, release, index));
        }
        if (!started.isEmpty()) {
            output.accept("started " + describe(started) + "; waiting for GET " + ctx.config().healthcheck().path());
        }
        for (InstanceInfo instance : started) {
            awaitHealthy(ctx, backend, instance);
        }
        up.addAll(started);
        String took = String.format(Locale.ROOT, "%.1fs", Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0);
        String summary = started.isEmpty() ? "took over the standby: " + describe(up) + ", no start needed"
                : describe(up) + ", healthy in " + took;
        return StepResult.of(summary, new StepOutput.InstanceUp(up));
    }

    /** {@code pid 123 on port 4567}, or {@code 3 instances: pids 1, 2, 3 on ports 4, 5, 6}. */
    static String describe(List<InstanceInfo> instances) {
        if (instances.size() == 1) {
            return "pid " + instances.getFirst().pid() + " on port " + instances.getFirst().port();
        }
        return instances.size() + " instances: pids " + String.join(", ", instances.stream().map(i -> Long.toString(i.pid())).toList())
                + " on ports " + String.join(", ", instances.stream().map(i -> Integer.toString(i.port())).toList());
    }

    /** Starts the {@code index}th instance of the new release on a fresh port; the intent is journalled first. */
    private static InstanceInfo start(DeployContext ctx, ServiceBackend backend, StepOutput.ReleaseCopied release, int index)
            throws StepFailure {
        String name = InstanceInfo.name(ctx.releaseId(), index);
        Path workDir = release.dir().resolve(ReleaseStore.APP_DIR);
        Path log = logOf(ctx, name);
        try {
            int port = FreePort.pick();
            Map<String, String> env = BuildEnvironment.forInstance(ctx, port);
            List<String> argv;
            try {
                argv = RunCommand.expand(release.run(), env);
            } catch (IllegalArgumentException e) {
                throw new StepFailure(e.getMessage());
            }
            ctx.changes().startingInstance(name, port, InstanceSpec.masked(argv, env), release.run(), null);
            String user = ctx.server().appUsers() ? RunAs.userFor(ctx.app()) : null;
            return backend.start(new InstanceSpec(ctx.app(), name, workDir.toString(), argv, env, port, log.toString(), user));
        } catch (IOException e) {
            throw new StepFailure("could not start the new release: " + e.getMessage());
        }
    }

    private static Path logOf(DeployContext ctx, String instance) {
        return ctx.home().logsDir(ctx.app()).resolve(instance + ".log");
    }

    private static void awaitHealthy(DeployContext ctx, ServiceBackend backend, InstanceInfo instance) throws StepFailure {
        Healthcheck check = ctx.config().healthcheck();
        int port = instance.port();
        Path log = logOf(ctx, instance.release());
        try {
            HttpWait.forPath(check.path()).withTimeout(check.timeout()).accepting(check::accepts)
                    .waitUntilReady(port, () -> deadReason(backend, ctx.app(), instance.release()));
        } catch (HttpWait.NotReady e) {
            String elsewhere = ListeningPorts.hint(ListeningPorts.of(instance.pid()), port).map(h -> "; " + h).orElse("");
            throw new StepFailure(e.getMessage() + elsewhere + " (see: sortie logs " + ctx.app() + ")", lastLines(log, 15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while waiting for the health check");
        }
    }

    /**
     * A rollback to a release whose standby instances still run (their files and config are the new release's)
     * takes those processes back instead of starting new ones: only nginx has to switch. Each intent is journalled
     * first, so a reconcile retires the instance if the deploy dies.
     */
    private static List<InstanceInfo> takeOverStandby(DeployContext ctx, ServiceBackend backend, int count) throws StepFailure {
        String source = ctx.facts().source();
        if (!"rollback".equals(ctx.facts().kind()) || source == null) {
            return List.of();
        }
        List<InstanceInfo> taken = new ArrayList<>();
        try {
            for (int index = 1; index <= count; index++) {
                Optional<InstanceInfo> standby = backend.find(ctx.app(), InstanceInfo.name(source, index))
                        .filter(i -> InstanceInfo.STOPPING.equals(i.state()) && i.pid() > 0);
                if (standby.isEmpty()) {
                    break;
                }
                String name = InstanceInfo.name(ctx.releaseId(), index);
                ctx.changes().startingInstance(name, standby.get().port(), List.of("(standby " + standby.get().release() + ")"),
                        ctx.release().map(StepOutput.ReleaseCopied::run).orElse(List.of()), standby.get().release());
                Optional<InstanceInfo> now = backend.takeOver(ctx.app(), standby.get().release(), name);
                if (now.isEmpty()) {
                    break; // its stop began meanwhile: start a fresh one
                }
                taken.add(now.get());
            }
            for (InstanceInfo instance : taken) {
                Healthcheck check = ctx.config().healthcheck();
                HttpWait.forPath(check.path()).withTimeout(check.timeout()).accepting(check::accepts)
                        .waitUntilReady(instance.port(), () -> deadReason(backend, ctx.app(), instance.release()));
            }
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
    private static String deadReason(ServiceBackend backend, String app, String instance) {
        try {
            Optional<InstanceInfo> info = backend.find(app, instance);
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
