package dev.sortie.access;

import dev.sortie.config.ConfigException;
import dev.sortie.config.Quote;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A named SSH key and its rights, as {@code $SORTIE_HOME/ssh-keys.json} keeps it. The name is what
 * the deploy history records as the pusher.
 */
public record SshKey(String name, PublicKey key, KeyRights rights, Instant added) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Returns the name, or throws with what a key name may be. */
    public static String requireName(String name) {
        if (!validName(name)) {
            throw new ConfigException("invalid key name " + Quote.of(name)
                    + ": use 1-64 letters, digits, dots, dashes and underscores, starting with a letter or digit (e.g. alice, ci-bot)");
        }
        return name;
    }
}
