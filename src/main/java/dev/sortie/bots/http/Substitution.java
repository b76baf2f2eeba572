package dev.sortie.bots.http;

import dev.sortie.bots.tree.BotContext;
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
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(ctx.get(name))));
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
