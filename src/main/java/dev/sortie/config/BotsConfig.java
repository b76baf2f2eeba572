package dev.sortie.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code bots:} section of sortie.yml: the smoke bots the run_bots step releases against a
 * new release before a deploy is done.
 *
 * @param tree       a YAML file, Java file or directory, or tree class in {@code bots/} (default {@code bots/smoke.yml};
 *                   when that default file does not exist the step has nothing to do)
 * @param count      how many bots run the tree once each (default 1)
 * @param botTimeout how long one bot may take (default 60s)
 * @param timeout    how long the whole smoke run may take (default 5m)
 * @param enabled    false skips the smoke bots (default true)
 * @param thresholds budgets the smoke run must keep, like {@code all: p99 < 500ms} (the bots' threshold syntax,
 *                   checked when run_bots runs: this package does not know the bots'); a failed one fails the step
 */
public record BotsConfig(String tree, Integer count, Duration botTimeout, Duration timeout, Boolean enabled, List<String> thresholds) {

    public static final String DEFAULT_TREE = "bots/smoke.yml";
    public static final BotsConfig DEFAULT = new BotsConfig(null, null, null, null, null, null);

    public BotsConfig(String tree, Integer count, Duration botTimeout, Duration timeout, Boolean enabled) {
        this(tree, count, botTimeout, timeout, enabled, null);
    }

    public BotsConfig {
        thresholds = thresholds == null ? List.of() : List.copyOf(thresholds);
        count = count == null ? 1 : count;
        botTimeout = botTimeout == null ? Duration.ofSeconds(60) : botTimeout;
        timeout = timeout == null ? Duration.ofMinutes(5) : timeout;
        enabled = enabled == null ? Boolean.TRUE : enabled;
    }

    /** The tree to run: the configured one, or the default file. */
    public String treeOrDefault() {
        return tree == null ? DEFAULT_TREE : tree;
    }

    /** True when the user named a tree (so a missing one is a mistake, not "no bots"). */
    public boolean explicit() {
        return tree != null;
    }
}
