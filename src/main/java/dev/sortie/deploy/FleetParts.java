package dev.sortie.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sortie.config.FleetConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.fleet.FleetCheck;
import dev.sortie.fleet.FleetRoll;
import dev.sortie.fleet.ReleaseShipper;
import dev.sortie.fleet.Shipment;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.StepId;
import dev.sortie.steps.DeployContext;
import dev.sortie.steps.DirTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A fleet primary's deploy around its build: the fleet checks before anything else, and once the release is built,
 * shipping it to every host and rolling it out ({@link FleetRoll}); the outcome on every host goes into the journal and
 * into {@code apps/APP/fleet/RELEASE.json}, the primary's record of the roll.
 */
final class FleetParts {

    /** How long a host's previous release stays up, without traffic, after the host switched: the rest of the roll. */
    static final Duration HOST_STANDBY = Duration.ofMinutes(15);

    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().enable(SerializationFeature.INDENT_OUTPUT).build();

    private FleetParts() {
    }

    /** Every host reachable, its key known, its Sortie ours: empty; else why not, naming each host that is not. */
    static Optional<String> check(FleetConfig fleet, Consumer<DeployEvent> events) throws IOException {
        long start = System.nanoTime();
        List<FleetCheck.Result> results;
        try {
            results = FleetCheck.check(fleet, FleetCheck.localVersion());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while checking the fleet");
        }
        List<String> refused = results.stream().filter(r -> r instanceof FleetCheck.Refused)
                .map(r -> ((FleetCheck.Refused) r).line()).toList();
        if (!refused.isEmpty()) {
            return Optional.of("fleet check: " + String.join("; ", refused) + "; nothing was built or shipped");
        }
        events.accept(new DeployEvent.Notice(String.format(java.util.Locale.ROOT, "fleet: %d %s ready (%s), Sortie %s, in %.1fs",
                results.size(), results.size() == 1 ? "host" : "hosts",
                String.join(", ", results.stream().map(r -> r.host().name()).toList()), FleetCheck.localVersion(),
                (System.nanoTime() - start) / 1e9)));
        return Optional.empty();
    }

    /** Ships the built release and rolls it out; empty when it is live on every host, else the verdict to abort with. */
    static Optional<DeployEvent.Aborting> roll(SortieHome home, FleetConfig fleet, DeployContext ctx, String by, Consumer<DeployEvent> events)
            throws IOException {
        String app = ctx.app();
        String release = ctx.releaseId();
        Path fleetDir = Files.createDirectories(home.appDir(app).resolve("fleet"));
        Path extras = fleetDir.resolve("outgoing").resolve(release);
        Shipment shipment = new Shipment(app, release, ctx.commit(), ctx.branch(), by, ctx.release().map(r -> r.run()).orElse(List.of()));
        Consumer<String> lines = line -> {
            synchronized (events) {
                events.accept(new DeployEvent.Notice(line));
            }
        };
        FleetRoll.Outcome outcome;
        try {
            ReleaseShipper shipper = ReleaseShipper.prepare(fleet, shipment, ctx.services().releases().dir(release), home.repo(app),
                    ctx.appEnv(), extras);
            outcome = new FleetRoll(fleet, lines).roll(shipper);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new DeployEvent.Aborting(StepId.COPY_RELEASE, "interrupted while rolling out to the fleet"));
        } finally {
            try {
                DirTree.delete(extras);
            } catch (IOException | UncheckedIOException e) {
                lines.accept("warning: could not delete " + extras + ": " + e.getMessage());
            }
        }
        writeRecord(fleetDir.resolve(release + ".json"), release, outcome);
        for (FleetRoll.HostOutcome h : outcome.hosts()) {
            lines.accept("fleet: " + h.host() + " " + h.outcome() + (h.release() == null ? "" : " (" + h.release() + ")")
                    + (h.reason() == null ? "" : ": " + (h.step() == null ? "" : h.step() + ": ") + h.reason()));
        }
        return switch (outcome) {
            case FleetRoll.Rolled r -> Optional.empty();
            case FleetRoll.Stopped s -> Optional.of(new DeployEvent.Aborting(
                    s.step() == null ? StepId.COPY_RELEASE : StepId.fromId(s.step()).orElse(StepId.COPY_RELEASE),
                    "on " + s.host() + (s.step() == null ? "" : " at " + s.step()) + ": " + s.reason() + reverted(s)));
        };
    }

    private static String reverted(FleetRoll.Stopped s) {
        List<String> back = s.hosts().stream().filter(h -> "reverted".equals(h.outcome())).map(FleetRoll.HostOutcome::host).toList();
        List<String> stuck = s.hosts().stream().filter(h -> "revert_failed".equals(h.outcome())).map(FleetRoll.HostOutcome::host).toList();
        return (back.isEmpty() ? "" : "; switched back: " + String.join(", ", back))
                + (stuck.isEmpty() ? "" : "; could NOT switch back: " + String.join(", ", stuck) + " (see: sortie fleet status)");
    }

    private static void writeRecord(Path file, String release, FleetRoll.Outcome outcome) throws IOException {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("release", release);
        record.put("outcome", outcome instanceof FleetRoll.Rolled ? "live" : "failed");
        record.put("finished_at", Instant.now().toString());
        if (outcome instanceof FleetRoll.Stopped s) {
            record.put("failed_host", s.host());
            record.put("failed_step", s.step());
            record.put("reason", s.reason());
        }
        record.put("hosts", outcome.hosts());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(record));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
