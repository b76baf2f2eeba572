package dev.sortie.config;

import java.util.regex.Pattern;

/** App names become directory names, host names and log file names, so they are kept to a safe DNS label. */
public final class AppName {

    private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9-]{0,38}[a-z0-9]|[a-z]");

    private AppName() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches() && !name.contains("--");
    }

    /** Returns the name, or throws with a message that says what a name may be. */
    public static String require(String name) {
        if (!isValid(name)) {
            throw new ConfigException("invalid app name " + Quote.of(name)
                    + ": use 1-40 lower-case letters, digits and single dashes, starting with a letter (e.g. hello, my-shop)");
        }
        return name;
    }
}
