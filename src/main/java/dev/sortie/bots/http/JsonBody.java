package dev.sortie.bots.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sortie.config.Durations;
import dev.sortie.config.Suggestions;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A control request's JSON object, read field by field. Every mistake (unknown keys, wrong types,
 * values out of range) is collected, and {@link #check()} reports them all at once.
 */
final class JsonBody {

    static final Duration LONGEST = Duration.ofDays(365);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final ObjectNode fields;
    private final List<String> problems = new ArrayList<>();

    private JsonBody(ObjectNode fields) {
        this.fields = fields;
    }

    /**
     * Parses a body that must be a JSON object whose keys are among {@code keys}.
     *
     * @throws ControlError 400 if it is not JSON or not an object (unknown keys are collected for {@link #check()})
     */
    static JsonBody parse(byte[] body, Set<String> keys) {
        JsonNode doc;
        try {
            doc = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String message = e.getOriginalMessage().startsWith("Trailing token") ? "there is more after the JSON object"
                    : e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source.*?]\\)", "");
            throw new ControlError(400, "malformed JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + message);
        } catch (IOException e) {
            throw new ControlError(400, "malformed JSON: " + e.getMessage());
        }
        if (doc == null || doc.isMissingNode()) {
            throw new ControlError(400, "expected a JSON object body, got an empty body");
        }
        if (!(doc instanceof ObjectNode object)) {
            throw new ControlError(400, "expected a JSON object body, got " + shown(doc));
        }
        JsonBody read = new JsonBody(object);
        object.fieldNames().forEachRemaining(key -> {
            if (!keys.contains(key)) {
                String near = Suggestions.nearest(key, keys);
                read.problem("unknown key " + key + (near != null ? " (did you mean " + near + "?)"
                        : " (expected one of: " + String.join(", ", new TreeSet<>(keys)) + ")"));
            }
        });
        return read;
    }

    /** True if the key is there with a value other than null (null counts as not given). */
    boolean has(String key) {
        JsonNode v = fields.get(key);
        return v != null && !v.isNull();
    }

    /** A non-blank string; null if absent (a problem if required). */
    String string(String key, boolean required) {
        JsonNode v = given(key, required);
        if (v == null) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            return wrong(key, "a non-empty string", v);
        }
        return v.asText();
    }

    /** A whole number within [min, max]; null if absent. */
    Integer wholeNumber(String key, int min, int max, String what) {
        JsonNode v = given(key, false);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            return wrong(key, "a whole number of " + what + " from " + min + " to " + max, v);
        }
        return v.asInt();
    }

    /** A number within [min, max]; null if absent. */
    Double number(String key, double min, double max, String what) {
        JsonNode v = given(key, false);
        if (v == null) {
            return null;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < min || v.asDouble() > max) {
            return wrong(key, what, v);
        }
        return v.asDouble();
    }

    /** Seconds as a number (30, 0.5) or a string like "500ms", "1.5s", "2m", "1h" ({@link Durations}); null if absent. */
    Duration duration(String key) {
        JsonNode v = given(key, false);
        if (v == null) {
            return null;
        }
        String expected = "seconds (30, 0.5) or a duration like \"500ms\", \"30s\", \"2m\", up to 365 days";
        if (!v.isNumber() && !v.isTextual()) {
            return wrong(key, expected, v);
        }
        Duration d;
        try {
            // 1e-3 is a number of seconds too: give the parser its plain digits
            d = Durations.parse(v.isFloatingPointNumber() ? BigDecimal.valueOf(v.asDouble()).toPlainString() : v.asText());
        } catch (IllegalArgumentException e) {
            return wrong(key, expected, v);
        }
        return d.compareTo(LONGEST) > 0 ? wrong(key, expected, v) : d;
    }

    /** A list of non-blank strings; null if absent. */
    List<String> strings(String key, String example) {
        JsonNode v = given(key, false);
        if (v == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; v.isArray() && i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).asText().isBlank()) {
                return wrong(key, "a list of strings like " + example, v);
            }
            out.add(v.get(i).asText());
        }
        return v.isArray() ? out : wrong(key, "a list of strings like " + example, v);
    }

    /** true or false; null if absent. */
    Boolean bool(String key) {
        JsonNode v = given(key, false);
        if (v == null) {
            return null;
        }
        return v.isBoolean() ? v.asBoolean() : wrong(key, "true or false", v);
    }

    /** An absolute http(s) URL with a host; null if absent (a problem if required). */
    URI url(String key, boolean required, String example) {
        String text = string(key, required);
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, with what was expected
        }
        return wrong(key, "an http:// or https:// URL like " + example, fields.get(key));
    }

    /** Notes a problem if the key is missing (or null). */
    void require(String key, String what) {
        if (!has(key)) {
            problem(key + ": required (" + what + ")");
        }
    }

    void problem(String message) {
        problems.add(message);
    }

    /** @throws ControlError 400 naming every problem found so far */
    void check() {
        if (!problems.isEmpty()) {
            throw new ControlError(400, String.join("; ", problems));
        }
    }

    private JsonNode given(String key, boolean required) {
        if (!has(key)) {
            if (required) {
                problem(key + ": required");
            }
            return null;
        }
        return fields.get(key);
    }

    private <T> T wrong(String key, String expected, JsonNode got) {
        problem(key + ": expected " + expected + ", got " + shown(got));
        return null;
    }

    /** How a value reads in a message: strings quoted and cut short, containers by kind. */
    static String shown(JsonNode v) {
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "a list";
        }
        String text = v.toString();
        return text.length() > 60 ? text.substring(0, 57) + "...\"" : text;
    }
}
