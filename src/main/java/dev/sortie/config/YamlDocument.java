package dev.sortie.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A config file's YAML as a tree, read token by token so that what a plain tree read hides becomes
 * a problem: duplicate keys (with both lines), aliases, a second document. Keeps each key path's line,
 * and each scalar's text as written ({@code yes}, not {@code true}), for messages.
 *
 * @param root  the document; null for an empty file or one with only comments
 * @param text  each scalar's text as written, by key path
 * @param lines each key path's line (1-based)
 */
record YamlDocument(JsonNode root, Map<String, String> text, Map<String, Integer> lines) {

    /** The most a config file may hold: far more than settings need, far less than SnakeYAML's 3M code point limit. */
    static final int MAX_BYTES = 1024 * 1024;
    static final String LIMIT = "1 MiB";

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /**
     * Reads {@code yaml}, adding duplicate keys and the like to {@code problems}.
     *
     * @throws ConfigException when the text is too large or not YAML: nothing after that can be read
     */
    static YamlDocument read(String yaml, Problems problems) {
        long bytes = utf8Length(yaml);
        if (bytes > MAX_BYTES) {
            throw tooLarge(problems.source(), bytes);
        }
        var reader = new Reader(problems);
        try (YAMLParser p = YAML.createParser(yaml)) {
            JsonNode root = null;
            if (p.nextToken() != null) {
                root = reader.value(p, "");
                if (p.nextToken() != null) {
                    problems.add("", "a second YAML document (after ---) begins at line "
                            + p.currentTokenLocation().getLineNr() + "; a config file holds one document");
                }
            }
            problems.lines(reader.lines);
            return new YamlDocument(root, reader.text, reader.lines);
        } catch (JsonProcessingException e) {
            throw new ConfigException(notYaml(problems.source(), e));
        } catch (IOException e) {
            throw new ConfigException(problems.source() + ": cannot read: " + e.getMessage());
        }
    }

    /** The message for a file over {@link #MAX_BYTES}. */
    static ConfigException tooLarge(String source, long bytes) {
        return new ConfigException(source + ": the file is " + String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0)
                + ", over the " + LIMIT + " limit for a config file; it should hold settings only");
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3; // a surrogate pair is 4 bytes
        }
        return n;
    }

    /** One line: where SnakeYAML found the problem (not where the token before it began) and what it is. */
    private static String notYaml(String source, JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                String problem = m.getProblem() == null ? "" : m.getProblem();
                if (problem.contains("(TAB)")) {
                    problem = "a tab cannot indent YAML; indent with spaces";
                }
                String context = m.getContext() != null && m.getContextMark() != null
                        && m.getContextMark().getLine() != m.getProblemMark().getLine()
                        ? " (" + m.getContext() + " at line " + (m.getContextMark().getLine() + 1) + ")" : "";
                return source + ": not valid YAML at line " + (m.getProblemMark().getLine() + 1) + ", column "
                        + (m.getProblemMark().getColumn() + 1) + ": " + problem.lines().findFirst().orElse("") + context;
            }
        }
        var at = e.getLocation();
        return source + ": not valid YAML" + (at != null ? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : "")
                + ": " + String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
    }

    private static final class Reader {
        final Problems problems;
        final Map<String, Integer> lines = new HashMap<>();
        final Map<String, String> text = new HashMap<>();

        Reader(Problems problems) {
            this.problems = problems;
        }

        /** The value at the parser's current token, and everything inside it. */
        JsonNode value(YAMLParser p, String path) throws IOException {
            lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
            JsonToken token = p.currentToken();
            if (p.isCurrentAlias()) {
                problems.add(path, "aliases (*" + p.getText() + ") are not supported; write the value out");
                return NODES.nullNode();
            }
            return switch (token) {
                case START_OBJECT -> mapping(p, path);
                case START_ARRAY -> list(p, path);
                default -> scalar(p, path, token);
            };
        }

        private ObjectNode mapping(YAMLParser p, String path) throws IOException {
            ObjectNode map = NODES.objectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                String at = path.isEmpty() ? key : path + "." + key;
                int line = p.currentTokenLocation().getLineNr();
                p.nextToken();
                if (map.has(key)) {
                    problems.add(at, "duplicate key, on line " + lines.get(at) + " and again on line " + line
                            + "; keep one (YAML would silently take the last)");
                    p.skipChildren();
                } else {
                    lines.put(at, line);
                    map.set(key, value(p, at));
                }
            }
            return map;
        }

        private ArrayNode list(YAMLParser p, String path) throws IOException {
            ArrayNode list = NODES.arrayNode();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.add(value(p, path + "[" + list.size() + "]"));
            }
            return list;
        }

        private JsonNode scalar(YAMLParser p, String path, JsonToken token) throws IOException {
            text.put(path, p.getText());
            return switch (token) {
                case VALUE_STRING -> NODES.textNode(p.getText());
                case VALUE_TRUE -> NODES.booleanNode(true);
                case VALUE_FALSE -> NODES.booleanNode(false);
                case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
                case VALUE_NUMBER_FLOAT -> {
                    try {
                        yield NODES.numberNode(p.getDecimalValue());
                    } catch (NumberFormatException e) { // .inf, .nan
                        yield NODES.textNode(p.getText());
                    }
                }
                case VALUE_NULL -> NODES.nullNode();
                default -> {
                    problems.add(path, "cannot read a " + token + " here");
                    yield NODES.nullNode();
                }
            };
        }
    }
}
