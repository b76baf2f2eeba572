package dev.sortie.bots.run;

import dev.sortie.bots.tree.Node;
import java.nio.file.Path;
import java.time.Duration;

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
 */
public record RunSpec(String treeName, Node tree, String target, Mode mode, int bots, double rate, Duration duration,
        Duration botTimeout, Duration runTimeout, Path log) {

    public enum Mode { LOAD, INTEGRATION }

    public RunSpec {
        if (bots < 0) {
            throw new IllegalArgumentException("the number of bots cannot be negative, got " + bots);
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("the ramp rate must be a number of bots per second >= 0, got " + rate);
        }
        target = target == null ? "" : target.replaceAll("/+$", "");
    }
}
