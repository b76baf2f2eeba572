package dev.sortie.bots.run;

import dev.sortie.bots.tree.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What to run: a tree, against a target, with how many bots and how fast.
 *
 * @param treeName how the tree was named by the user, for status and reports
 * @param bots how many bots to keep alive (load) or to run once each (integration)
 * @param rate bots started per second while ramping up; 0 starts them all at once
 * @param duration how long a load run lasts; null (or zero) until stopped or every bot is done
 * @param botTimeout integration: how long one bot may take; null for no limit
 * @param runTimeout integration: how long the whole run may take; null (or zero) for no limit
 * @param log where {@code bot_run.log} goes; null for no log
 * @param thresholds budgets the run must keep to pass (in the order given)
 * @param load how the load is shaped: {@link Load.Steady} (bots and rate above), stages of bots, or arrivals
 */
public record RunSpec(String treeName, Node tree, String target, Mode mode, int bots, double rate, Duration duration,
        Duration botTimeout, Duration runTimeout, Path log, List<Threshold> thresholds, Load load) {

    public enum Mode { LOAD, INTEGRATION }

    /** The shape of a load run's load. */
    public sealed interface Load {
        /** {@code bots} looping bots, started at {@code rate} per second. */
        record Steady() implements Load {
        }

        /** The closed model over time: the number of looping bots follows the stages. */
        record BotStages(LoadStages stages) implements Load {
            public BotStages {
                if (stages.arrivals()) {
                    throw new IllegalArgumentException("stages of arrival rates (" + stages.describe() + ") are not bot counts");
                }
            }
        }

        /**
         * The open model: a new bot per arrival runs the tree once; at most {@code maxBots} run at a
         * time, and arrivals beyond that are dropped and counted.
         */
        record Arrivals(ArrivalSchedule schedule, int maxBots) implements Load {
            public Arrivals {
                if (maxBots < 1) {
                    throw new IllegalArgumentException("--max-bots must be at least 1, got " + maxBots);
                }
            }
        }
    }

    /** The default cap on concurrent bots of an open-model run. */
    public static final int DEFAULT_MAX_BOTS = 10_000;

    public RunSpec(String treeName, Node tree, String target, Mode mode, int bots, double rate, Duration duration,
            Duration botTimeout, Duration runTimeout, Path log) {
        this(treeName, tree, target, mode, bots, rate, duration, botTimeout, runTimeout, log, List.of(), new Load.Steady());
    }

    public RunSpec {
        if (bots < 0) {
            throw new IllegalArgumentException("the number of bots cannot be negative, got " + bots);
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("the ramp rate must be a number of bots per second >= 0, got " + rate);
        }
        target = target == null ? "" : target.replaceAll("/+$", "");
        thresholds = thresholds == null ? List.of() : List.copyOf(thresholds);
        load = load == null ? new Load.Steady() : load;
        if (mode == Mode.INTEGRATION && !(load instanceof Load.Steady)) {
            throw new IllegalArgumentException("an integration run has n bots that run the tree once; stages and arrival rates are for load runs");
        }
    }

    /** The same run with thresholds. */
    public RunSpec withThresholds(List<Threshold> more) {
        return new RunSpec(treeName, tree, target, mode, bots, rate, duration, botTimeout, runTimeout, log, more, load);
    }

    /** The same run with another load shape. */
    public RunSpec withLoad(Load shape) {
        return new RunSpec(treeName, tree, target, mode, bots, rate, duration, botTimeout, runTimeout, log, thresholds, shape);
    }
}
