package dev.sortie.nginx;

import dev.sortie.config.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A config template with {@code {{name}}} placeholders: Sortie's bundled one from {@code templates/}, or the server's
 * override in {@code $SORTIE_HOME/templates/}. Every placeholder must have a value and every value must be safe for
 * nginx's config syntax.
 */
public final class Template {

    /** The templates a server may override, as {@code sortie server templates} copies them out. */
    public static final List<String> SERVER_TEMPLATES = List.of("nginx.conf", "nginx-site.conf");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
    /** Characters that would end a directive, open a block, quote or start a variable in nginx config. */
    private static final Pattern UNSAFE = Pattern.compile("[\\s;{}'\"\\\\$#]");
    /** One simple directive on one line: a name, safe words separated by single spaces, then {@code ;}. */
    private static final Pattern DIRECTIVE = Pattern.compile("[a-z_]+( [^\\s;{}'\"\\\\$#]+)*;");
    /** A placeholder alone on its line, with its indentation: where a list of directives goes. */
    private static final Pattern DIRECTIVES_LINE = Pattern.compile("(?m)^([ \\t]*)\\{\\{([a-z_]+)}}[ \\t]*\\R?");

    private final String name;
    private final String origin;
    private final String text;

    public Template(String name, String text) {
        this(name, name, text);
    }

    private Template(String name, String origin, String text) {
        this.name = name;
        this.origin = origin;
        this.text = text;
    }

    /** Loads {@code templates/NAME} as packaged with Sortie. */
    public static Template bundled(String name) {
        return new Template(name, "the " + name + " bundled with Sortie", bundledText(name));
    }

    /**
     * {@code overrides/NAME} when that file exists (a server's own template), else the bundled one.
     *
     * @throws IllegalArgumentException when the server's template cannot be read
     */
    public static Template forServer(Path overrides, String name) {
        Path override = overrides.resolve(name);
        if (!Files.isRegularFile(override)) {
            return bundled(name);
        }
        try {
            return new Template(name, override.toString(), Files.readString(override));
        } catch (IOException e) {
            // as a template that does not render: the step that renders it fails with this, and nothing is written
            throw new IllegalArgumentException("cannot read the template " + override + ": " + e, e);
        }
    }

    /**
     * Copies the bundled {@link #SERVER_TEMPLATES} into {@code dir}. One that exists there (the server's own) is left
     * alone and the bundled text goes beside it as {@code NAME.bundled}, to compare.
     *
     * @return the files written
     */
    public static List<Path> exportBundled(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (String name : SERVER_TEMPLATES) {
            Path target = dir.resolve(name);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                target = dir.resolve(name + ".bundled");
            }
            Files.writeString(target, bundledText(name));
            written.add(target);
        }
        return written;
    }

    private static String bundledText(String name) {
        try (InputStream in = Template.class.getResourceAsStream("/sortie/templates/" + name)) {
            if (in == null) {
                throw new IllegalStateException("template " + name + " is missing from the Sortie build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    /** Where the text came from, for the generated file's header and for errors: a path, or "the NAME bundled with Sortie". */
    public String origin() {
        return origin;
    }

    /** The template as written, placeholders and all. */
    public String text() {
        return text;
    }

    /** Whether the template uses {@code {{key}}}. */
    public boolean uses(String key) {
        return text.contains("{{" + key + "}}");
    }

    /**
     * Fills the placeholders. Values may not contain whitespace, quotes, braces, {@code ;},
     * {@code $} or {@code #}, except that {@code spaced} names may hold single spaces between words.
     */
    public String render(Map<String, String> values, Set<String> spaced) {
        return render(values, spaced, Map.of());
    }

    /**
     * As {@link #render(Map, Set)}, and each {@code directives} key, alone on its line, becomes its list of simple
     * directives ({@code name word ...;}, safe words only), one a line at the placeholder's indentation; an empty list
     * removes the line.
     */
    public String render(Map<String, String> values, Set<String> spaced, Map<String, List<String>> directives) {
        String expanded = expandDirectives(directives);
        Matcher m = PLACEHOLDER.matcher(expanded);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = values.get(key);
            if (value == null) {
                Set<String> provided = new TreeSet<>(values.keySet());
                provided.addAll(directives.keySet());
                throw new IllegalArgumentException("template " + origin + " uses {{" + key + "}}"
                        + (directives.containsKey(key) ? " inside a line; it must stand alone on its line"
                                : ", which Sortie does not provide; it provides: " + String.join(", ", provided)));
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

    private String expandDirectives(Map<String, List<String>> directives) {
        for (var entry : directives.entrySet()) {
            for (String line : entry.getValue()) {
                if (!DIRECTIVE.matcher(line).matches()) {
                    throw new IllegalArgumentException("refusing to write " + entry.getKey() + " = " + Quote.of(line) + " into "
                            + name + ": not one simple nginx directive");
                }
            }
        }
        Matcher m = DIRECTIVES_LINE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            List<String> lines = directives.get(m.group(2));
            if (lines == null) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                continue;
            }
            StringBuilder block = new StringBuilder();
            for (String line : lines) {
                block.append(m.group(1)).append(line).append('\n');
            }
            m.appendReplacement(out, Matcher.quoteReplacement(block.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
