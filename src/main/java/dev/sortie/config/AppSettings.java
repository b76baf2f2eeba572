package dev.sortie.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * An app's server-side settings, {@code apps/<app>/settings.yml}: what the app's operator decides,
 * as opposed to the sortie.yml that comes with each push.
 *
 * @param rejectFailedPushes deploy a push before git accepts it, and reject it when the deploy fails
 */
public record AppSettings(Boolean rejectFailedPushes) {

    public static final String FILE_NAME = "settings.yml";
    static final List<String> KEYS = List.of("reject_failed_pushes");

    public AppSettings {
        rejectFailedPushes = rejectFailedPushes != null && rejectFailedPushes;
    }

    public static AppSettings defaults() {
        return new AppSettings(false);
    }

    public boolean rejects() {
        return rejectFailedPushes;
    }

    public static AppSettings load(Path file) {
        if (!Files.exists(file)) {
            return defaults();
        }
        try {
            return ConfigLoader.parse(Files.readString(file), file.toString(), AppSettings.class, defaults());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** This with {@code key=value} applied; an unknown key or a bad value is a ConfigException naming it. */
    public AppSettings with(String key, String value) {
        return switch (key) {
            case "reject_failed_pushes" -> new AppSettings(bool(key, value));
            default -> {
                String near = Suggestions.nearest(key, KEYS);
                throw new ConfigException("unknown setting " + key + (near == null ? "" : " (did you mean " + near + "?)")
                        + "; settings: " + String.join(", ", KEYS));
            }
        };
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
        Files.writeString(tmp, "# Written by sortie apps set; one key a line.\nreject_failed_pushes: " + rejectFailedPushes + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
