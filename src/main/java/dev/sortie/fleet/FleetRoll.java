package dev.sortie.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sortie.config.FleetConfig;
import dev.sortie.exec.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A built release out to the fleet: shipped to every host first (all of them, or the roll does not start), then
 * deployed host by host in batches of {@code rolling.batch}, with {@code rolling.pause} between batches. Each host's own
 * Sortie runs its part ({@code sortie fleet deploy APP RELEASE}: upgrade_service, configure_nginx, run_bots) and
 * journals it. The first failure stops the roll; every host switched so far goes back to the release it ran before
 * ({@code sortie rollback APP}: its instance is still up as a standby, so that is an nginx switch).
 */
public final class FleetRoll {

    /** The line a host's {@code sortie fleet deploy} ends with: the outcome as JSON, for the primary to read. */
    public static final String RESULT = "sortie-fleet-result ";
    static final Duration HOST_TIMEOUT = Duration.ofMinutes(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the roll ended. */
    public sealed interface Outcome {
        List<HostOutcome> hosts();
    }

    public record Rolled(List<HostOutcome> hosts) implements Outcome {
    }

    /** Stopped at {@code host}'s {@code step} (a step id, or {@code ship}) for {@code reason}. */
    public record Stopped(String host, String step, String reason, List<HostOutcome> hosts) implements Outcome {
    }

    /**
     * One host's part.
     *
     * @param outcome live, failed, reverted (switched, then back), revert_failed, not_rolled (never switched), not_shipped
     * @param release  the host's own release id when it made one
     * @param previous the release the host ran before this roll (null: none), which a failed roll switches it back to
     */
    public record HostOutcome(String host, String ssh, String outcome, String release, String step, String reason, String previous) {

        public HostOutcome(String host, String ssh, String outcome, String release, String step, String reason) {
            this(host, ssh, outcome, release, step, reason, null);
        }
    }

    private final FleetConfig fleet;
    private final Consumer<String> out;
    private final Pauser pauser;

    /** Waits between batches; a test or bench may pass its own. */
    @FunctionalInterface
    public interface Pauser {
        void pause(Duration d) throws InterruptedException;
    }

    public FleetRoll(FleetConfig fleet, Consumer<String> out) {
        this(fleet, out, d -> Thread.sleep(d.toMillis()));
    }

    FleetRoll(FleetConfig fleet, Consumer<String> out, Pauser pauser) {
        this.fleet = fleet;
        this.out = out;
        this.pauser = pauser;
    }

    public Outcome roll(ReleaseShipper shipper) throws IOException, InterruptedException {
        Shipment s = shipper.shipment();
        Map<String, HostOutcome> outcomes = new LinkedHashMap<>();
        fleet.hosts().forEach(h -> outcomes.put(h.name(), new HostOutcome(h.name(), h.ssh(), "not_rolled", null, null, null)));

        long start = System.nanoTime();
        Map<FleetConfig.Host, String> shipped = parallel(fleet.hosts(), h -> shipper.ship(h, line -> out.accept(h.name() + ": " + line)));
        String firstFailure = null;
        for (var e : shipped.entrySet()) {
            if (e.getValue() != null) {
                outcomes.put(e.getKey().name(), new HostOutcome(e.getKey().name(), e.getKey().ssh(), "not_shipped", null, "ship", e.getValue()));
                firstFailure = firstFailure == null ? e.getKey().name() : firstFailure;
            }
        }
        if (firstFailure != null) {
            HostOutcome failed = outcomes.get(firstFailure);
            return new Stopped(firstFailure, "ship", failed.reason(), List.copyOf(outcomes.values()));
        }
        out.accept(String.format(java.util.Locale.ROOT, "shipped %s to %d %s in %.1fs", s.release(), fleet.hosts().size(),
                fleet.hosts().size() == 1 ? "host" : "hosts", (System.nanoTime() - start) / 1e9));

        List<FleetConfig.Host> switched = new ArrayList<>();
        List<List<FleetConfig.Host>> batches = batches(fleet.hosts(), fleet.rolling().batch());
        for (int b = 0; b < batches.size(); b++) {
            List<FleetConfig.Host> batch = batches.get(b);
            out.accept("batch " + (b + 1) + "/" + batches.size() + ": " + String.join(", ", batch.stream().map(FleetConfig.Host::name).toList()));
            Map<FleetConfig.Host, HostOutcome> done = parallel(batch, h -> deployOn(h, s));
            HostOutcome failed = null;
            for (var e : done.entrySet()) {
                outcomes.put(e.getKey().name(), e.getValue());
                if ("live".equals(e.getValue().outcome())) {
                    switched.add(e.getKey());
                } else if (failed == null) {
                    failed = e.getValue();
                }
            }
            if (failed != null) {
                revert(switched, s, outcomes);
                return new Stopped(failed.host(), failed.step(), failed.reason(), List.copyOf(outcomes.values()));
            }
            if (b + 1 < batches.size() && !fleet.rolling().pause().isZero()) {
                out.accept("pausing " + Durations.format(fleet.rolling().pause()) + " before the next batch");
                pauser.pause(fleet.rolling().pause());
            }
        }
        return new Rolled(List.copyOf(outcomes.values()));
    }

    /** Runs the host's part through its own Sortie and reads the result line it ends with. */
    HostOutcome deployOn(FleetConfig.Host host, Shipment s) throws IOException, InterruptedException {
        JsonNode[] result = new JsonNode[1];
        RemoteRun.Ran ran = RemoteRun.run(SshArgv.ssh(fleet, host, List.of("fleet", "deploy", s.app(), s.release())), HOST_TIMEOUT, line -> {
            if (line.startsWith(RESULT)) {
                try {
                    result[0] = JSON.readTree(line.substring(RESULT.length()));
                } catch (IOException e) {
                    out.accept(host.name() + ": (unreadable result line: " + line + ")");
                }
            } else {
                out.accept(host.name() + ": " + line);
            }
        });
        return hostOutcome(host, ran, result[0]);
    }

    /** What a host's {@code fleet deploy} run says (pure). */
    static HostOutcome hostOutcome(FleetConfig.Host host, RemoteRun.Ran ran, JsonNode result) {
        if (result != null && "live".equals(result.path("outcome").asText()) && ran.exit() == 0) {
            return new HostOutcome(host.name(), host.ssh(), "live", text(result, "release"), null, null, text(result, "previous"));
        }
        if (result != null) {
            return new HostOutcome(host.name(), host.ssh(), "failed", text(result, "release"), text(result, "step"), text(result, "reason"));
        }
        String why = ran.exit() == -1 ? "no answer within " + HOST_TIMEOUT.toMinutes() + " minutes"
                : ran.exit() == 255 ? "the SSH connection failed: " + ran.last() : "sortie fleet deploy exited with " + ran.exit() + ": " + ran.last();
        return new HostOutcome(host.name(), host.ssh(), "failed", null, null, why);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Every switched host back to the release it ran before, all at once. */
    private void revert(List<FleetConfig.Host> switched, Shipment s, Map<String, HostOutcome> outcomes) throws InterruptedException, IOException {
        if (switched.isEmpty()) {
            return;
        }
        out.accept("switching back " + String.join(", ", switched.stream().map(FleetConfig.Host::name).toList())
                + " to the release each ran before");
        Map<FleetConfig.Host, String> back = parallel(switched, h -> {
            List<String> command = revertCommand(s.app(), outcomes.get(h.name()).previous());
            RemoteRun.Ran ran = RemoteRun.run(SshArgv.ssh(fleet, h, command), HOST_TIMEOUT, line -> out.accept(h.name() + ": " + line));
            return ran.exit() == 0 ? null : "sortie " + String.join(" ", command) + " exited with " + ran.exit() + ": " + ran.last();
        });
        for (var e : back.entrySet()) {
            HostOutcome was = outcomes.get(e.getKey().name());
            outcomes.put(e.getKey().name(), e.getValue() == null
                    ? new HostOutcome(was.host(), was.ssh(), "reverted", was.release(), null, null, was.previous())
                    : new HostOutcome(was.host(), was.ssh(), "revert_failed", was.release(), null, e.getValue(), was.previous()));
        }
    }

    /** Back to the release the host ran before the roll; a host that ran none stops serving the app, as before. */
    static List<String> revertCommand(String app, String previous) {
        return previous == null ? List.of("stop", app) : List.of("rollback", app, previous);
    }

    static List<List<FleetConfig.Host>> batches(List<FleetConfig.Host> hosts, int size) {
        List<List<FleetConfig.Host>> out = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i += size) {
            out.add(List.copyOf(hosts.subList(i, Math.min(hosts.size(), i + size))));
        }
        return out;
    }

    @FunctionalInterface
    private interface HostTask<T> {
        T run(FleetConfig.Host host) throws IOException, InterruptedException;
    }

    /** {@code task} on every host at once; results in the hosts' order. */
    private static <T> Map<FleetConfig.Host, T> parallel(List<FleetConfig.Host> hosts, HostTask<T> task) throws IOException, InterruptedException {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<FleetConfig.Host, Future<T>> futures = new LinkedHashMap<>();
            for (FleetConfig.Host h : hosts) {
                futures.put(h, pool.submit(() -> task.run(h)));
            }
            Map<FleetConfig.Host, T> out = new LinkedHashMap<>();
            for (var e : futures.entrySet()) {
                try {
                    out.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException ex) {
                    Throwable cause = ex.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException(e.getKey().name() + ": " + cause, cause);
                }
            }
            return out;
        }
    }
}
