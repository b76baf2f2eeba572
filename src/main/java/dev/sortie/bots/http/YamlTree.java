package dev.sortie.bots.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sortie.bots.run.LoadedTree;
import dev.sortie.bots.run.Threshold;
import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.TreeException;
import dev.sortie.bots.tree.Trees;
import dev.sortie.config.Durations;
import dev.sortie.config.Suggestions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a tree from YAML. Every mistake is reported with its key path, all at once:
 * <pre>smoke.yml: tree.sequence[1].request.methd: unknown key (did you mean method?)</pre>
 * The format is documented in the README ("Bots in YAML").
 */
public final class YamlTree {

    static final Set<String> LIST_NODES = Set.of("sequence", "select", "random", "parallel_all", "parallel_first");
    static final Set<String> ONE_CHILD = Set.of("repeat_until_succeed", "repeat_until_fail", "negate", "always_succeed", "always_fail");
    static final Set<String> NODE_KINDS = new TreeSet<>(Set.of("sequence", "select", "random", "parallel_all", "parallel_first",
            "weighted_random", "repeat", "repeat_until_succeed", "repeat_until_fail", "negate", "always_succeed", "always_fail",
            "wait", "timeout", "retry", "error", "request"));
    static final Set<String> RESTRICTED_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String file;
    private final List<String> problems = new ArrayList<>();

    private YamlTree(String file) {
        this.file = file;
    }

    public static Node load(Path path) throws TreeException, IOException {
        return loadFile(path).tree();
    }

    /** The tree and the thresholds of a YAML file. */
    public static LoadedTree loadFile(Path path) throws TreeException, IOException {
        return parseFile(path.getFileName().toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    /** Parses YAML text; {@code file} names it in messages. */
    public static Node parse(String file, String yaml) throws TreeException {
        return parseFile(file, yaml).tree();
    }

    /** Parses YAML text into its tree and its {@code thresholds:}; {@code file} names it in messages. */
    public static LoadedTree parseFile(String file, String yaml) throws TreeException {
        JsonNode doc;
        try {
            doc = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = file + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr());
            List<String> details = new ArrayList<>(List.of(where + ": " + e.getOriginalMessage()));
            String hint = at == null ? null : quoteHint(yaml, at.getLineNr());
            if (hint != null) {
                details.add(hint);
            }
            throw new TreeException(file + " is not valid YAML", details);
        }
        YamlTree reader = new YamlTree(file);
        Node tree = reader.document(doc);
        List<Threshold> thresholds = doc != null && doc.isObject() && doc.has("thresholds") ? reader.thresholds(doc.get("thresholds")) : List.of();
        if (!reader.problems.isEmpty()) {
            int n = reader.problems.size();
            throw new TreeException(file + " has " + n + (n == 1 ? " mistake" : " mistakes"), reader.problems);
        }
        return new LoadedTree(tree, thresholds);
    }

    private static final Pattern UNQUOTED_PATH_KEY = Pattern.compile("[{,]\\s*(\\$[^\"',{}:]*\\[[^:{}]*?)\\s*:");

    /**
     * In a {...} map, [ and ] end a plain key, so {$.a[0].b: James} breaks the YAML parser with a
     * message about flow sequences; the fix is to quote the key.
     */
    static String quoteHint(String yaml, int lineNr) {
        List<String> lines = yaml.lines().toList();
        for (int i = Math.max(0, lineNr - 2); i < Math.min(lines.size(), lineNr + 1); i++) {
            Matcher m = UNQUOTED_PATH_KEY.matcher(lines.get(i));
            if (m.find()) {
                String key = m.group(1).strip();
                return "hint: line " + (i + 1) + " has the JSON path " + key + " as a key inside {...}, where [ ] are YAML syntax;"
                        + " quote it: \"" + key + "\": ..., or write the map on its own lines (key: value)";
            }
        }
        return null;
    }

    /** {@code thresholds:}: a list of threshold texts, or of {threshold: TEXT, abort_on_fail: true}. */
    private List<Threshold> thresholds(JsonNode v) {
        if (!v.isArray()) {
            problem("thresholds", "expected a list like [\"all: p99 < 200ms\", \"all: error_rate < 1%\"], got " + kind(v));
            return List.of();
        }
        List<Threshold> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String at = "thresholds[" + i + "]";
            JsonNode t = v.get(i);
            String text;
            boolean abort = false;
            if (t.isObject()) {
                if (!fields(t, at, Set.of("threshold", "abort_on_fail"), Set.of("threshold"))) {
                    continue;
                }
                text = t.get("threshold").isTextual() ? t.get("threshold").asText() : null;
                if (text == null) {
                    problem(join(at, "threshold"), "expected text like \"all: p99 < 200ms\", got " + kind(t.get("threshold")));
                    continue;
                }
                if (t.has("abort_on_fail")) {
                    if (!t.get("abort_on_fail").isBoolean()) {
                        problem(join(at, "abort_on_fail"), "expected true or false, got " + kind(t.get("abort_on_fail")));
                        continue;
                    }
                    abort = t.get("abort_on_fail").asBoolean();
                }
            } else if (t.isTextual()) {
                text = t.asText();
            } else {
                problem(at, "expected a threshold like \"all: p99 < 200ms\" or {threshold: ..., abort_on_fail: true}, got " + kind(t));
                continue;
            }
            try {
                Threshold parsed = Threshold.parse(text);
                out.add(abort && !parsed.abortOnFail() ? new Threshold(parsed.text(), parsed.action(), parsed.metric(),
                        parsed.comparison(), parsed.limit(), true) : parsed);
            } catch (IllegalArgumentException e) {
                problem(at, e.getMessage());
            }
        }
        return out;
    }

    private Node document(JsonNode doc) {
        if (doc == null || doc.isMissingNode() || doc.isNull()) {
            problem("", "the file is empty; it needs a tree: key");
            return null;
        }
        if (!doc.isObject()) {
            problem("", "expected a map with a tree: key");
            return null;
        }
        keys(doc, "", Set.of("tree", "description", "thresholds"));
        if (!doc.has("tree")) {
            problem("", "missing key tree (the root node)");
            return null;
        }
        return node(doc.get("tree"), "tree");
    }

    private Node node(JsonNode n, String at) {
        if (n.isTextual()) {
            return switch (n.asText()) {
                case "done" -> Trees.done();
                case "succeed" -> Trees.succeed();
                case "fail" -> Trees.fail();
                default -> {
                    String near = Suggestions.nearest(n.asText(), List.of("done", "succeed", "fail"));
                    problem(at, "unknown node \"" + n.asText() + "\"" + (near != null ? " (did you mean " + near + "?)"
                            : "; a node is done, succeed, fail, or a map like {sequence: [...]} or {request: {...}}"));
                    yield null;
                }
            };
        }
        if (!n.isObject()) {
            problem(at, "expected a node (done, succeed, fail, or a map like {sequence: [...]} or {request: {...}}), got " + kind(n));
            return null;
        }
        if (n.has("request")) {
            return httpAction(n, at);
        }
        List<String> kinds = new ArrayList<>();
        n.fieldNames().forEachRemaining(kinds::add);
        if (kinds.size() != 1) {
            problem(at, kinds.isEmpty() ? "empty map: expected one node key (" + String.join(", ", NODE_KINDS) + ")"
                    : "a node has exactly one key, got " + kinds + " (an HTTP action needs request:)");
            return null;
        }
        String kind = kinds.get(0);
        JsonNode v = n.get(kind);
        String here = join(at, kind);
        if (LIST_NODES.contains(kind)) {
            List<Node> children = children(v, here);
            if (children == null) {
                return null;
            }
            return switch (kind) {
                case "sequence" -> Trees.sequence(children);
                case "select" -> Trees.select(children);
                case "random" -> new Node.RandomPick(children);
                case "parallel_all" -> new Node.Parallel(children, true);
                default -> new Node.Parallel(children, false);
            };
        }
        if (ONE_CHILD.contains(kind)) {
            Node child = node(v, here);
            if (child == null) {
                return null;
            }
            return switch (kind) {
                case "repeat_until_succeed" -> Trees.repeatUntilSucceed(child);
                case "repeat_until_fail" -> Trees.repeatUntilFail(child);
                case "negate" -> Trees.negate(child);
                case "always_succeed" -> Trees.alwaysSucceed(child);
                default -> Trees.alwaysFail(child);
            };
        }
        return switch (kind) {
            case "weighted_random" -> weighted(v, here);
            case "repeat" -> {
                if (!fields(v, here, Set.of("times", "node"), Set.of("times", "node"))) {
                    yield null;
                }
                Integer times = positiveInt(v.get("times"), join(here, "times"));
                Node child = node(v.get("node"), join(here, "node"));
                yield times == null || child == null ? null : Trees.repeat(times, child);
            }
            case "wait" -> waitNode(v, here);
            case "timeout" -> {
                if (!fields(v, here, Set.of("after", "node"), Set.of("after", "node"))) {
                    yield null;
                }
                Duration after = duration(v.get("after"), join(here, "after"), false);
                Node child = node(v.get("node"), join(here, "node"));
                yield after == null || child == null ? null : Trees.timeout(child, after);
            }
            case "retry" -> {
                if (!fields(v, here, Set.of("attempts", "backoff", "node"), Set.of("attempts", "node"))) {
                    yield null;
                }
                Integer attempts = positiveInt(v.get("attempts"), join(here, "attempts"));
                Duration backoff = v.has("backoff") ? duration(v.get("backoff"), join(here, "backoff"), true) : Duration.ZERO;
                Node child = node(v.get("node"), join(here, "node"));
                yield attempts == null || backoff == null || child == null ? null : Trees.retry(child, attempts, backoff);
            }
            case "error" -> {
                if (!v.isTextual()) {
                    problem(here, "expected the error's reason as text, got " + kind(v));
                    yield null;
                }
                yield Trees.error(v.asText());
            }
            default -> {
                String near = Suggestions.nearest(kind, NODE_KINDS);
                problem(here, "unknown node" + (near != null ? " (did you mean " + near + "?)" : "; nodes are " + String.join(", ", NODE_KINDS)));
                yield null;
            }
        };
    }

    private List<Node> children(JsonNode v, String at) {
        if (!v.isArray() || v.isEmpty()) {
            problem(at, "expected a list of at least one node, got " + kind(v));
            return null;
        }
        List<Node> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
            Node child = node(v.get(i), at + "[" + i + "]");
            ok &= child != null;
            out.add(child);
        }
        return ok ? out : null;
    }

    private Node weighted(JsonNode v, String at) {
        if (!v.isArray() || v.isEmpty()) {
            problem(at, "expected a list of {weight: N, node: ...}, got " + kind(v));
            return null;
        }
        List<Node.Weighted> choices = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String here = at + "[" + i + "]";
            JsonNode c = v.get(i);
            if (!fields(c, here, Set.of("weight", "node"), Set.of("weight", "node"))) {
                continue;
            }
            Integer w = positiveInt(c.get("weight"), join(here, "weight"));
            Node child = node(c.get("node"), join(here, "node"));
            if (w != null && child != null) {
                choices.add(new Node.Weighted(w, child));
            }
        }
        return choices.size() == v.size() ? new Node.WeightedRandom(choices) : null;
    }

    private Node waitNode(JsonNode v, String at) {
        if (v.isArray()) {
            if (v.size() != 2) {
                problem(at, "expected [min, max] seconds, got a list of " + v.size());
                return null;
            }
            Duration min = duration(v.get(0), at + "[0]", true);
            Duration max = duration(v.get(1), at + "[1]", true);
            return bounded(min, max, at);
        }
        if (v.isObject()) {
            if (!fields(v, at, Set.of("min", "max"), Set.of("min", "max"))) {
                return null;
            }
            return bounded(duration(v.get("min"), join(at, "min"), true), duration(v.get("max"), join(at, "max"), true), at);
        }
        Duration d = duration(v, at, true);
        return d == null ? null : Trees.wait(d);
    }

    private Node bounded(Duration min, Duration max, String at) {
        if (min == null || max == null) {
            return null;
        }
        if (max.compareTo(min) < 0) {
            problem(at, "max (" + Durations.format(max) + ") is less than min (" + Durations.format(min) + ")");
            return null;
        }
        return new Node.Wait(min, max);
    }

    private Node httpAction(JsonNode n, String at) {
        keys(n, at, Set.of("name", "request", "expect", "save"));
        String name = null;
        if (n.has("name")) {
            name = text(n.get("name"), join(at, "name"));
        }
        JsonNode r = n.get("request");
        String here = join(at, "request");
        if (!fields(r, here, Set.of("method", "path", "headers", "json", "body", "timeout", "follow_redirects"), Set.of("path"))) {
            return null;
        }
        int before = problems.size();
        String method = r.has("method") ? text(r.get("method"), join(here, "method")) : "GET";
        if (method != null && !METHODS.contains(method.toUpperCase())) {
            problem(join(here, "method"), "unknown method " + method + " (use one of " + String.join(", ", new TreeSet<>(METHODS)) + ")");
        }
        String path = text(r.get("path"), join(here, "path"));
        if (path != null && !path.startsWith("/")) {
            problem(join(here, "path"), "a path starts with / (it is relative to the target URL), got \"" + path + "\"");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (r.has("headers")) {
            JsonNode h = r.get("headers");
            if (!h.isObject()) {
                problem(join(here, "headers"), "expected a map of header names to values, got " + kind(h));
            } else {
                h.properties().forEach(e -> {
                    String value = text(e.getValue(), join(join(here, "headers"), e.getKey()));
                    if (!e.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                        problem(join(join(here, "headers"), e.getKey()), "not a valid header name");
                    } else if (RESTRICTED_HEADERS.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                        problem(join(join(here, "headers"), e.getKey()), "Sortie sets this header itself (the target URL gives the Host)");
                    } else if (value != null) {
                        headers.put(e.getKey(), value);
                    }
                });
            }
        }
        if (r.has("json") && r.has("body")) {
            problem(here, "give json: or body:, not both");
        }
        String body = r.has("body") ? text(r.get("body"), join(here, "body")) : null;
        Duration timeout = r.has("timeout") ? duration(r.get("timeout"), join(here, "timeout"), false) : Duration.ofSeconds(10);
        boolean followRedirects = false;
        if (r.has("follow_redirects")) {
            if (r.get("follow_redirects").isBoolean()) {
                followRedirects = r.get("follow_redirects").asBoolean();
            } else {
                problem(join(here, "follow_redirects"), "expected true or false, got " + kind(r.get("follow_redirects")));
            }
        }

        Set<Integer> statuses = null;
        List<String> contains = new ArrayList<>();
        Map<JsonPath, JsonNode> equals = new LinkedHashMap<>();
        if (n.has("expect")) {
            JsonNode e = n.get("expect");
            String ex = join(at, "expect");
            if (fields(e, ex, Set.of("status", "body_contains", "json"), Set.of())) {
                if (e.has("status")) {
                    statuses = statuses(e.get("status"), join(ex, "status"));
                }
                if (e.has("body_contains")) {
                    JsonNode c = e.get("body_contains");
                    if (c.isArray()) {
                        for (int i = 0; i < c.size(); i++) {
                            contains.add(text(c.get(i), join(ex, "body_contains") + "[" + i + "]"));
                        }
                    } else {
                        contains.add(text(c, join(ex, "body_contains")));
                    }
                }
                if (e.has("json")) {
                    JsonNode j = e.get("json");
                    if (!j.isObject()) {
                        problem(join(ex, "json"), "expected a map of JSON paths to values, like {$.text: hello}, got " + kind(j));
                    } else {
                        j.properties().forEach(p -> {
                            JsonPath jp = jsonPath(p.getKey(), join(join(ex, "json"), p.getKey()));
                            if (jp != null) {
                                equals.put(jp, p.getValue());
                            }
                        });
                    }
                }
            }
        }
        Map<String, JsonPath> save = new LinkedHashMap<>();
        if (n.has("save")) {
            JsonNode s = n.get("save");
            if (!s.isObject()) {
                problem(join(at, "save"), "expected a map of names to JSON paths, like {note_id: $.id}, got " + kind(s));
            } else {
                s.properties().forEach(p -> {
                    String key = join(join(at, "save"), p.getKey());
                    if (!p.getKey().matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
                        problem(key, "a saved name is letters, digits, _ . - (it is used as ${" + p.getKey() + "})");
                    }
                    String pathText = text(p.getValue(), key);
                    JsonPath jp = pathText == null ? null : jsonPath(pathText, key);
                    if (jp != null) {
                        save.put(p.getKey(), jp);
                    }
                });
            }
        }
        if (problems.size() > before || path == null || method == null || timeout == null) {
            return null;
        }
        HttpAction action = new HttpAction(method.toUpperCase(), path, Map.copyOf(headers), r.get("json"), body, timeout,
                statuses, List.copyOf(contains), equals, save, followRedirects, new HttpAction.UrlCache());
        return Trees.action(name != null ? name : action.defaultName(), action);
    }

    private Set<Integer> statuses(JsonNode v, String at) {
        Set<Integer> out = new LinkedHashSet<>();
        Iterator<JsonNode> items = v.isArray() ? v.elements() : List.of(v).iterator();
        while (items.hasNext()) {
            JsonNode s = items.next();
            if (!s.canConvertToInt() || !s.isIntegralNumber() || s.asInt() < 100 || s.asInt() > 599) {
                problem(at, "expected an HTTP status (100-599) or a list of them, got " + s);
                return null;
            }
            out.add(s.asInt());
        }
        return out;
    }

    private JsonPath jsonPath(String text, String at) {
        try {
            return JsonPath.parse(text);
        } catch (IllegalArgumentException e) {
            problem(at, e.getMessage());
            return null;
        }
    }

    private Integer positiveInt(JsonNode v, String at) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1 || v.asInt() > 1_000_000) {
            problem(at, "expected a whole number from 1 to 1000000, got " + (v == null ? "nothing" : v.toString()));
            return null;
        }
        return v.asInt();
    }

    /** A number of seconds, or text like 500ms, 1.5s, 2m, 1h ({@link Durations}). */
    private Duration duration(JsonNode v, String at, boolean zeroOk) {
        Duration d = null;
        if (v != null && (v.isNumber() || v.isTextual())) {
            try {
                d = Durations.parse(v.asText());
            } catch (IllegalArgumentException e) {
                // d stays null: the message below says what a duration looks like
            }
        }
        if (d == null) {
            problem(at, "expected a duration (seconds, or like " + Durations.SYNTAX + "), got " + (v == null ? "nothing" : v.toString()));
            return null;
        }
        if (d.compareTo(Node.LONGEST) > 0) {
            problem(at, "must be at most 100 years, got " + (v == null ? "nothing" : v.toString()));
            return null;
        }
        if (!zeroOk && d.isZero()) {
            problem(at, "must be more than 0");
            return null;
        }
        return d;
    }

    private String text(JsonNode v, String at) {
        if (v == null || !v.isValueNode() || v.isNull()) {
            problem(at, "expected text, got " + (v == null ? "nothing" : kind(v)));
            return null;
        }
        String bad = Substitution.malformed(v.asText());
        if (bad != null) {
            problem(at, "\"" + bad + "\" is not a reference: write ${name} with letters, digits, _ . - in the name");
            return null;
        }
        return v.asText();
    }

    /** Checks a map's keys; false (with problems noted) if it is not a map or misses required keys. */
    private boolean fields(JsonNode v, String at, Set<String> allowed, Set<String> required) {
        if (v == null || !v.isObject()) {
            problem(at, "expected a map with " + String.join(", ", new TreeSet<>(allowed)) + ", got " + (v == null ? "nothing" : kind(v)));
            return false;
        }
        keys(v, at, allowed);
        boolean ok = true;
        for (String key : new TreeSet<>(required)) {
            if (!v.has(key)) {
                problem(at, "missing key " + key);
                ok = false;
            }
        }
        return ok;
    }

    private void keys(JsonNode v, String at, Set<String> allowed) {
        v.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                String near = Suggestions.nearest(k, allowed);
                problem(join(at, k), "unknown key" + (near != null ? " (did you mean " + near + "?)" : " (expected " + String.join(", ", new TreeSet<>(allowed)) + ")"));
            }
        });
    }

    private static String kind(JsonNode v) {
        if (v.isTextual()) {
            return "text \"" + v.asText() + "\"";
        }
        if (v.isNumber()) {
            return "the number " + v;
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isObject()) {
            return "a map";
        }
        return v.isNull() ? "nothing" : v.getNodeType().name().toLowerCase();
    }

    private static String join(String at, String key) {
        return at.isEmpty() ? key : at + "." + key;
    }

    private void problem(String at, String message) {
        problems.add(file + ": " + (at.isEmpty() ? "" : at + ": ") + message);
    }
}
