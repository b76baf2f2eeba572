package dev.sortie.bots.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The small JSONPath subset smoke tests need: {@code $}, {@code $.a.b}, {@code $.items[0].id},
 * {@code $['odd key']}. No wildcards or filters: one path names one value.
 */
record JsonPath(String text, List<Object> steps) {

    static JsonPath parse(String text) {
        if (text == null || !text.startsWith("$")) {
            throw new IllegalArgumentException("a JSON path starts with $, like $.id or $.items[0].name");
        }
        List<Object> steps = new ArrayList<>();
        int i = 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '.') {
                int j = i + 1;
                while (j < text.length() && text.charAt(j) != '.' && text.charAt(j) != '[') {
                    j++;
                }
                if (j == i + 1) {
                    throw new IllegalArgumentException("empty name after '.' at character " + (i + 1) + " of " + text);
                }
                steps.add(text.substring(i + 1, j));
                i = j;
            } else if (c == '[') {
                int close = text.indexOf(']', i);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed [ in " + text);
                }
                String inside = text.substring(i + 1, close).trim();
                if (inside.length() >= 2 && (inside.startsWith("'") && inside.endsWith("'") || inside.startsWith("\"") && inside.endsWith("\""))) {
                    steps.add(inside.substring(1, inside.length() - 1));
                } else if (inside.matches("\\d{1,9}")) {
                    steps.add(Integer.parseInt(inside));
                } else {
                    throw new IllegalArgumentException("[" + inside + "] in " + text + " should be an index like [0] or a quoted name like ['a b']");
                }
                i = close + 1;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at character " + (i + 1) + " of " + text);
            }
        }
        return new JsonPath(text, List.copyOf(steps));
    }

    /** The value at this path, or null if there is none. */
    JsonNode find(JsonNode root) {
        JsonNode node = root;
        for (Object step : steps) {
            if (node == null) {
                return null;
            }
            node = step instanceof Integer index ? (node.isArray() ? node.get(index) : null) : (node.isObject() ? node.get((String) step) : null);
        }
        return node;
    }

    @Override
    public String toString() {
        return text;
    }
}
