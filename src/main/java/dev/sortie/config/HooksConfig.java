package dev.sortie.config;

import java.time.Duration;

/**
 * The {@code hooks:} section of sortie.yml.
 *
 * @param file    the hooks source, relative to the repo root (default {@code UpgradeHooks.java})
 * @param timeout how long one hook may run before it fails its step (default 5 minutes)
 */
public record HooksConfig(String file, Duration timeout) {

    public static final HooksConfig DEFAULT = new HooksConfig(null, null);

    public HooksConfig {
        file = file == null ? "UpgradeHooks.java" : file;
        timeout = timeout == null ? Duration.ofMinutes(5) : timeout;
    }
}
