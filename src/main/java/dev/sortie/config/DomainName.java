package dev.sortie.config;

import java.util.regex.Pattern;

/** Validates server names before they reach an nginx config: host names, optionally with one leading wildcard label. */
public final class DomainName {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private DomainName() {
    }

    /** Returns null when valid, else why not. */
    public static String problem(String domain) {
        if (domain == null || domain.isEmpty()) {
            return "is empty";
        }
        if (domain.length() > 253) {
            return "is longer than 253 characters";
        }
        String rest = domain.startsWith("*.") ? domain.substring(2) : domain;
        for (String label : rest.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return "is not a host name: use lower-case letters, digits, dashes and dots (e.g. shop.example.com), optionally starting with *.";
            }
        }
        return null;
    }

    public static String require(String domain, String keyPath) {
        String problem = problem(domain);
        if (problem != null) {
            throw new ConfigException(keyPath + ": " + Quote.of(domain) + " " + problem);
        }
        return domain;
    }
}
