package dev.sortie.bots.http;

import dev.sortie.bots.run.RunSpec;
import dev.sortie.bots.tree.Node;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The body of {@code POST /start} (load) or {@code POST /integration/start}, checked field by
 * field; a zero duration or timeout means no limit.
 *
 * @param id integration only: names the run in the callback
 * @param callbackUrl integration only: where the result is POSTed; null for nowhere
 */
record StartRequest(RunSpec.Mode mode, String tree, String target, int bots, double rate, Duration duration,
        Duration botTimeout, Duration runTimeout, String id, URI callbackUrl) {

    static final int MOST_BOTS = 1_000_000;
    static final double FASTEST = 1_000_000;
    static final double SLOWEST = 0.001;
    static final String RATE = "bots started per second: 0 (all at once) or from " + SLOWEST + " to " + (long) FASTEST;
    private static final Set<String> LOAD_KEYS = Set.of("tree", "target", "n", "rate", "duration");
    private static final Set<String> INTEGRATION_KEYS = Set.of("tree", "target", "n", "rate", "id", "callback_url",
            "bot_timeout", "run_timeout");
    private static final Set<String> EITHER = Set.of("tree", "target", "n", "rate", "duration", "id", "callback_url",
            "bot_timeout", "run_timeout");

    /** @throws ControlError 400 naming every mistake */
    static StartRequest parse(byte[] body, RunSpec.Mode mode) {
        JsonBody in = JsonBody.parse(body, EITHER);
        boolean integration = mode == RunSpec.Mode.INTEGRATION;
        // a key that belongs to the other mode gets a pointer to the right route, not "unknown key"
        for (String key : EITHER) {
            if (in.has(key) && !(integration ? INTEGRATION_KEYS : LOAD_KEYS).contains(key)) {
                in.problem(integration
                        ? key + ": integration runs have no duration (each bot runs the tree once); bound the run with run_timeout"
                        : key + ": only for integration runs (POST /integration/start)");
            }
        }
        String tree = in.string("tree", true);
        URI target = in.url("target", true, "http://127.0.0.1:8080");
        Integer n = in.wholeNumber("n", integration ? 1 : 0, MOST_BOTS, "bots");
        Double rate = rate(in);
        Duration duration = integration ? null : noLimitIfZero(in.duration("duration"));
        Duration botTimeout = integration ? noLimitIfZero(in.duration("bot_timeout")) : null;
        Duration runTimeout = integration ? noLimitIfZero(in.duration("run_timeout")) : null;
        String id = integration ? in.string("id", true) : null;
        URI callback = integration ? in.url("callback_url", false, "http://127.0.0.1:9000/bots/done") : null;
        in.check();
        return new StartRequest(mode, tree, target.toString(), n == null ? 1 : n, rate == null ? 0 : rate, duration,
                botTimeout, runTimeout, id, callback);
    }

    /** The ramp rate, shared with {@code PATCH /settings}: 0, or a rate the spawner can pace. */
    static Double rate(JsonBody in) {
        Double rate = in.number("rate", 0, FASTEST, RATE);
        if (rate != null && rate > 0 && rate < SLOWEST) {
            in.problem("rate: expected " + RATE + ", got " + BigDecimal.valueOf(rate).stripTrailingZeros().toPlainString());
            return null;
        }
        return rate;
    }

    static Duration noLimitIfZero(Duration d) {
        return d == null || d.isZero() ? null : d;
    }

    RunSpec spec(Node loaded, Path log) {
        return new RunSpec(tree, loaded, target, mode, bots, rate, duration, botTimeout, runTimeout, log);
    }
}
