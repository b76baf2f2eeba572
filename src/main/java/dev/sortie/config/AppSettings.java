package dev.sortie.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * An app's server-side settings, {@code apps/<app>/settings.yml}: what the app's operator decides,
 * as opposed to the sortie.yml that comes with each push.
 *
 * @param rejectFailedPushes deploy a push before git accepts it, and reject it when the deploy fails
 * @param keepReleases       overrides the server's {@code keep_releases}; null: the server's
 * @param standby            overrides the server's {@code standby} (sortie.yml's {@code standby:} wins over both); null: the server's
 * @param instances          set by {@code sortie scale}: how many instances run, over sortie.yml's {@code instances:}; null: sortie.yml's
 */
public record AppSettings(Boolean rejectFailedPushes, Integer keepReleases, Duration standby, Integer instances) {

    public static final String FILE_NAME = "settings.yml";
    static final List<String> KEYS = List.of("reject_failed_pushes", "keep_releases", "standby", "instances");

    public AppSettings {
        rejectFailedPushes = rejectFailedPushes != null && rejectFailedPushes;
    }

    public static AppSettings defaults() {
        return new AppSettings(false, null, null, null);
    }

    public boolean rejects() {
        return rejectFailedPushes;
    }

    public static AppSettings load(Path file) {
        return ConfigLoader.loadSettings(file);
    }

    /** This with {@code key=value} applied; an unknown key or a bad value is a ConfigException naming it. */
    public AppSettings with(String key, String value) {
        return switch (key) {
            case "reject_failed_pushes" -> new AppSettings(bool(key, value), keepReleases, standby, instances);
            case "keep_releases" -> new AppSettings(rejectFailedPushes, value.isEmpty() ? null : count(key, value, 1000), standby, instances);
            case "standby" -> new AppSettings(rejectFailedPushes, keepReleases, value.isEmpty() ? null : duration(key, value), instances);
            case "instances" -> new AppSettings(rejectFailedPushes, keepReleases, standby,
                    value.isEmpty() ? null : count(key, value, AppConfig.MAX_INSTANCES));
            default -> {
                String near = Suggestions.nearest(key, KEYS);
                throw new ConfigException("unknown setting " + key + (near == null ? "" : " (did you mean " + near + "?)")
                        + "; settings: " + String.join(", ", KEYS));
            }
        };
    }

    private static int count(String key, String value, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new ConfigException(key + ": " + Quote.of(value) + " is not a whole number from 1 to " + max);
    }

    private static Duration duration(String key, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": " + Quote.of(value) + " is not a duration (e.g. 60s, 5m, 1.5m; 0s turns it off)");
        }
    }

    private static boolean bool(String key, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key + ": " + Quote.of(value) + " is not true or false");
        };
    }

    /** Writes the settings atomically. */
    public void save(Path file) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        StringBuilder text = new StringBuilder("# Written by sortie apps set; one key a line.\nreject_failed_pushes: ")
                .append(rejectFailedPushes).append('\n');
        if (keepReleases != null) {
            text.append("keep_releases: ").append(keepReleases).append('\n');
        }
        if (standby != null) {
            text.append("standby: ").append(Durations.format(standby)).append('\n');
        }
        if (instances != null) {
            text.append("instances: ").append(instances).append('\n');
        }
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
