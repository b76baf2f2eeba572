package dev.sortie.nginx;

import dev.sortie.config.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A config template from Sortie's {@code templates/} with {@code {{name}}} placeholders. Every
 * placeholder must have a value and every value must be safe for nginx's config syntax.
 */
public final class Template {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
    /** Characters that would end a directive, open a block, quote or start a variable in nginx config. */
    private static final Pattern UNSAFE = Pattern.compile("[\\s;{}'\"\\\\$#]");

    private final String name;
    private final String text;

    public Template(String name, String text) {
        this.name = name;
        this.text = text;
    }

    /** Loads {@code templates/NAME} as packaged with Sortie. */
    public static Template bundled(String name) {
        try (InputStream in = Template.class.getResourceAsStream("/sortie/templates/" + name)) {
            if (in == null) {
                throw new IllegalStateException("template " + name + " is missing from the Sortie build");
            }
            return new Template(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fills the placeholders. Values may not contain whitespace, quotes, braces, {@code ;},
     * {@code $} or {@code #}, except that {@code spaced} names may hold single spaces between words.
     */
    public String render(Map<String, String> values, Set<String> spaced) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = values.get(key);
            if (value == null) {
                throw new IllegalArgumentException("template " + name + " uses {{" + key + "}}, which Sortie does not provide; it provides: "
                        + String.join(", ", new TreeSet<>(values.keySet())));
            }
            for (String word : spaced.contains(key) ? value.split(" ", -1) : new String[] {value}) {
                if (word.isEmpty() || UNSAFE.matcher(word).find()) {
                    throw new IllegalArgumentException("refusing to write " + key + " = " + Quote.of(value)
                            + " into " + name + ": it contains characters that would change the nginx config");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
