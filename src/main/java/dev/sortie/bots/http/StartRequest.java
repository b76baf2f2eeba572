package dev.sortie.bots.http;

import dev.sortie.bots.run.ArrivalSchedule;
import dev.sortie.bots.run.LoadStages;
import dev.sortie.bots.run.LoadedTree;
import dev.sortie.bots.run.RunSpec;
import dev.sortie.bots.run.Threshold;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /start} (load) or {@code POST /integration/start}, checked field by
 * field; a zero duration or timeout means no limit. A load run may be shaped by {@code arrival_rate}
 * (per second) or {@code stages} (as {@code --stages}) with {@code max_bots}; either mode takes
 * {@code thresholds} (as {@code --threshold}).
 *
 * @param id integration only: names the run in the callback
 * @param callbackUrl integration only: where the result is POSTed; null for nowhere
 */
record StartRequest(RunSpec.Mode mode, String tree, String target, int bots, double rate, Duration duration,
        Duration botTimeout, Duration runTimeout, String id, URI callbackUrl, List<Threshold> thresholds, RunSpec.Load load) {

    static final int MOST_BOTS = 1_000_000;
    static final double FASTEST = 1_000_000;
    static final double SLOWEST = 0.001;
    static final String RATE = "bots started per second: 0 (all at once) or from " + SLOWEST + " to " + (long) FASTEST;
    static final String THRESHOLDS = "[\"all: p99 < 200ms\", \"all: error_rate < 1%\"]";
    private static final Set<String> LOAD_KEYS = Set.of("tree", "target", "n", "rate", "duration", "thresholds", "arrival_rate",
            "stages", "max_bots");
    private static final Set<String> INTEGRATION_KEYS = Set.of("tree", "target", "n", "rate", "id", "callback_url",
            "bot_timeout", "run_timeout", "thresholds");
    private static final Set<String> EITHER = Set.of("tree", "target", "n", "rate", "duration", "id", "callback_url",
            "bot_timeout", "run_timeout", "thresholds", "arrival_rate", "stages", "max_bots");

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
        List<Threshold> thresholds = thresholds(in);
        RunSpec.Load load = integration ? new RunSpec.Load.Steady() : load(in, duration);
        in.check();
        return new StartRequest(mode, tree, target.toString(), n == null ? 1 : n, rate == null ? 0 : rate, duration,
                botTimeout, runTimeout, id, callback, thresholds, load);
    }

    private static List<Threshold> thresholds(JsonBody in) {
        List<String> given = in.strings("thresholds", THRESHOLDS);
        List<Threshold> out = new ArrayList<>();
        for (int i = 0; given != null && i < given.size(); i++) {
            try {
                out.add(Threshold.parse(given.get(i)));
            } catch (IllegalArgumentException e) {
                in.problem("thresholds[" + i + "]: " + e.getMessage());
            }
        }
        return out;
    }

    /** The open model (arrival_rate per second, or stages of rates) or closed-model stages; steady otherwise. */
    private static RunSpec.Load load(JsonBody in, Duration duration) {
        Double arrivalRate = in.number("arrival_rate", 0, FASTEST, "arrivals per second, more than 0 and at most " + (long) FASTEST);
        String stagesText = in.string("stages", false);
        Integer maxBots = in.wholeNumber("max_bots", 1, MOST_BOTS, "bots");
        LoadStages stages = null;
        if (stagesText != null) {
            try {
                stages = LoadStages.parse(stagesText);
            } catch (IllegalArgumentException e) {
                in.problem("stages: " + e.getMessage().replaceFirst("^--stages ", ""));
            }
        }
        if (arrivalRate != null && arrivalRate == 0) {
            in.problem("arrival_rate: expected more than 0 arrivals per second, got 0");
            return null;
        }
        if (arrivalRate != null && in.has("stages")) {
            in.problem("give arrival_rate (a constant rate) or stages (a ramp), not both");
            return null;
        }
        boolean open = arrivalRate != null || stages != null && stages.arrivals();
        if (maxBots != null && !open && (stagesText == null || stages != null)) {
            in.problem("max_bots: caps an open-model run (arrival_rate, or stages of rates like \"1m:50/s\")");
        }
        if ((open || stages != null) && (in.has("n") || in.has("rate"))) {
            in.problem((open ? "an open-model run starts a bot per arrival" : "stages set the number of bots") + "; n and rate are for a steady run");
        }
        if (stages != null && duration != null) {
            in.problem("duration: the stages set how long the run lasts; drop duration");
        }
        int cap = maxBots == null ? RunSpec.DEFAULT_MAX_BOTS : maxBots;
        if (arrivalRate != null) {
            return new RunSpec.Load.Arrivals(ArrivalSchedule.constant(arrivalRate), cap);
        }
        if (stages != null) {
            return stages.arrivals() ? new RunSpec.Load.Arrivals(ArrivalSchedule.ramping(stages), cap) : new RunSpec.Load.BotStages(stages);
        }
        return new RunSpec.Load.Steady();
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

    /** The run to start: the tree file's thresholds first, then the request's. */
    RunSpec spec(LoadedTree loaded, Path log) {
        List<Threshold> all = new ArrayList<>(loaded.thresholds());
        all.addAll(thresholds);
        return new RunSpec(tree, loaded.tree(), target, mode, bots, rate, duration, botTimeout, runTimeout, log, all, load);
    }
}
