package dev.sortie.bots.http;

import dev.sortie.bots.tree.BotContext;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ${name}} in paths, headers, bodies and expected values, filled from the bot's context. */
final class Substitution {

    static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

    private Substitution() {
    }

    static boolean hasRefs(String text) {
        return text.contains("${");
    }

    /** The text with every reference replaced; an unknown name is an error naming what the context has. */
    static String expand(String text, BotContext ctx) {
        return expand(text, ctx, false);
    }

    /** As {@link #expand}, with each value percent-encoded, for URL paths ("a b/c" becomes "a%20b%2Fc"). */
    static String expandPath(String text, BotContext ctx) {
        return expand(text, ctx, true);
    }

    /** The first malformed reference in the text ("${note id}", an unclosed "${"), or null. */
    static String malformed(String text) {
        int i = text.indexOf("${");
        while (i >= 0) {
            Matcher m = REF.matcher(text);
            if (!m.find(i) || m.start() != i) {
                int close = text.indexOf('}', i);
                return close < 0 ? text.substring(i) : text.substring(i, close + 1);
            }
            i = text.indexOf("${", m.end());
        }
        return null;
    }

    private static String encode(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    private static String expand(String text, BotContext ctx, boolean encode) {
        if (!hasRefs(text)) {
            return text;
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (!ctx.has(name)) {
                throw new MissingValue("${" + name + "} is not in the bot's context (it has: " + ctx.keys() + ")");
            }
            String value = String.valueOf(ctx.get(name));
            m.appendReplacement(out, Matcher.quoteReplacement(encode ? encode(value) : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A reference to a value no earlier action saved. */
    static final class MissingValue extends RuntimeException {
        MissingValue(String message) {
            super(message, null, false, false);
        }
    }
}
