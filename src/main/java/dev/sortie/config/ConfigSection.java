package dev.sortie.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One mapping of a config file at a key path, read key by key against the keys it may have. A
 * wrong value is added to the file's {@link Problems} and read as absent (null), so reading goes on
 * and every mistake is found in one pass.
 */
final class ConfigSection {

    private final YamlDocument doc;
    private final JsonNode node;
    private final String path;
    private final Problems problems;

    private ConfigSection(YamlDocument doc, JsonNode node, String path, Problems problems, List<String> keys) {
        this.doc = doc;
        this.path = path;
        this.problems = problems;
        if (absent(node)) {
            this.node = null;
        } else if (!node.isObject()) {
            problems.add(path, "expected a mapping of keys (" + String.join(", ", keys) + "), got " + describe(node, path));
            this.node = null;
        } else {
            this.node = node;
            List<String> sorted = keys.stream().sorted().toList();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!keys.contains(key)) {
                    String near = Suggestions.nearest(key, keys);
                    problems.add(at(key), "unknown key" + (near != null ? " (did you mean " + near + "?)" : "")
                            + "; known keys here: " + String.join(", ", sorted));
                }
            }
        }
    }

    /** The whole document, which may have {@code keys}. */
    static ConfigSection root(YamlDocument doc, Problems problems, List<String> keys) {
        return new ConfigSection(doc, doc.root(), "", problems, keys);
    }

    /** The mapping under {@code key}, which may have {@code keys}; empty when absent. */
    ConfigSection section(String key, List<String> keys) {
        return new ConfigSection(doc, get(key), at(key), problems, keys);
    }

    /** The list of mappings under {@code key} ({@code hosts: [{name: web1}]}), each of which may have {@code keys}; null when absent. */
    List<ConfigSection> sections(String key, List<String> keys, String example) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            problems.add(at(key), "expected a list, e.g. " + example + ", got " + describe(v, at(key)));
            return null;
        }
        List<ConfigSection> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String item = at(key) + "[" + i + "]";
            if (absent(v.get(i))) {
                problems.add(item, "empty; write a value or remove the item");
                continue;
            }
            out.add(new ConfigSection(doc, v.get(i), item, problems, keys));
        }
        return out;
    }

    /** The key path of {@code key} in this section, as messages show it. */
    String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return get(key) != null;
    }

    void problem(String key, String what) {
        problems.add(at(key), what);
    }

    /** Text; a number is taken as its text ({@code branch: 2024}), true or false is a mistake. */
    String string(String key) {
        return string(get(key), at(key));
    }

    Integer integer(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isIntegralNumber()) {
            problems.add(at(key), raw(v, at(key)) + " is too large");
        } else if (v.isNumber()) {
            problems.add(at(key), Quote.of(raw(v, at(key))) + " is not a valid whole number");
        } else {
            problems.add(at(key), "expected a whole number, got " + describe(v, at(key)));
        }
        return null;
    }

    /** A whole number within {@code min..max}; out of range, {@code outOfRange} formatted with the value is the problem. */
    Integer integer(String key, int min, int max, String outOfRange) {
        Integer n = integer(key);
        if (n != null && (n < min || n > max)) {
            problems.add(at(key), String.format(outOfRange, n));
            return null;
        }
        return n;
    }

    /** A whole number within {@code min..max}. */
    Integer integer(String key, int min, int max) {
        return integer(key, min, max, "must be between " + min + " and " + max + ", got %d");
    }

    Boolean bool(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        problems.add(at(key), "expected true or false, got " + describe(v, at(key)));
        return null;
    }

    /**
     * One of {@code words}, as written: {@code tls: off} counts as the word off, though YAML reads it as false. Anything
     * else is a problem naming the words.
     */
    String word(String key, List<String> words) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        String written = v.isValueNode() ? raw(v, at(key)) : null;
        if (written == null || !words.contains(written)) {
            problems.add(at(key), "expected " + String.join(" or ", words) + ", got " + describe(v, at(key)));
            return null;
        }
        return written;
    }

    /** A duration ({@link Durations}), or a bare number of seconds. */
    Duration duration(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        if (v.isTextual() || v.isNumber()) {
            try {
                return Durations.parse(raw(v, at(key)));
            } catch (IllegalArgumentException e) {
                problems.add(at(key), Quote.of(raw(v, at(key))) + " is not a valid duration (use a number with a unit: "
                        + Durations.SYNTAX + ")");
                return null;
            }
        }
        problems.add(at(key), "expected a duration like " + Durations.SYNTAX + ", got " + describe(v, at(key)));
        return null;
    }

    /** A size in bytes ({@link ByteSizes}). */
    Long size(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        if (v.isTextual() || v.isIntegralNumber()) {
            try {
                return ByteSizes.parse(raw(v, at(key)));
            } catch (IllegalArgumentException e) {
                problems.add(at(key), Quote.of(raw(v, at(key))) + " is not a valid size (use " + ByteSizes.SYNTAX + ")");
                return null;
            }
        }
        problems.add(at(key), "expected a size like " + ByteSizes.SYNTAX + ", got " + describe(v, at(key)));
        return null;
    }

    /** A list of strings; {@code example} shows what one looks like. */
    List<String> strings(String key, String example) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            problems.add(at(key), "expected a list, e.g. " + example + ", got " + describe(v, at(key)));
            return null;
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
            String item = at(key) + "[" + i + "]";
            if (absent(v.get(i))) {
                problems.add(item, "empty; write a value or remove the item");
                ok = false;
                continue;
            }
            String s = string(v.get(i), item);
            ok &= s != null;
            out.add(s);
        }
        return ok ? out : null;
    }

    private String string(JsonNode v, String at) {
        if (absent(v)) {
            return null;
        }
        if (v.isTextual() || v.isNumber()) {
            return raw(v, at);
        }
        problems.add(at, "expected a string, got " + describe(v, at));
        return null;
    }

    private JsonNode get(String key) {
        JsonNode v = node == null ? null : node.get(key);
        return absent(v) ? null : v;
    }

    private static boolean absent(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode();
    }

    /** The value as written in the file ({@code 0x10}, {@code yes}), else as read. */
    private String raw(JsonNode v, String at) {
        String written = doc.text().get(at);
        return written != null ? written : v.asText();
    }

    /** What a value is, for "expected X, got Y". */
    private String describe(JsonNode v, String at) {
        if (v.isBoolean()) {
            String written = raw(v, at);
            return written.equals(v.asText()) ? v.asText()
                    : written + ", which YAML reads as " + v.asText() + " (put it in quotes to mean the text: \"" + written + "\")";
        }
        if (v.isTextual()) {
            return "text " + Quote.of(v.asText());
        }
        if (v.isNumber()) {
            return "the number " + raw(v, at);
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        return "nothing";
    }
}
