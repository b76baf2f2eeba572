package dev.sortie.bots.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.TreeException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** YAML trees: every node form, and every mistake reported with its key path. */
class YamlTreeTest {

    private static List<String> problems(String yaml) {
        return assertThrows(TreeException.class, () -> YamlTree.parse("smoke.yml", yaml)).problems();
    }

    @Test
    void readsEveryNodeKind() throws Exception {
        Node tree = YamlTree.parse("t.yml", """
                description: all of them
                tree:
                  sequence:
                    - request: {path: /health}
                    - name: create note
                      request: {method: post, path: /api/notes, json: {text: "hi ${bot_id}"}, timeout: 2s}
                      expect: {status: [200, 201], body_contains: hi, json: {$.text: "hi ${bot_id}"}}
                      save: {note_id: $.id}
                    - select: [fail, succeed]
                    - random: [succeed, succeed]
                    - weighted_random: [{weight: 3, node: succeed}, {weight: 1, node: fail}]
                    - repeat: {times: 2, node: succeed}
                    - repeat_until_succeed: succeed
                    - repeat_until_fail: fail
                    - negate: fail
                    - always_succeed: fail
                    - always_fail: succeed
                    - wait: 0.5
                    - wait: [1, 2]
                    - wait: {min: 100ms, max: 1s}
                    - timeout: {after: 5s, node: succeed}
                    - retry: {attempts: 3, backoff: 200ms, node: succeed}
                    - parallel_all: [succeed, succeed]
                    - parallel_first: [succeed, fail]
                    - error: nope
                    - done
                """);
        Node.Sequence seq = assertInstanceOf(Node.Sequence.class, tree);
        assertEquals(20, seq.children().size());
        assertEquals("GET /health", ((Node.Action) seq.children().get(0)).name());
        Node.Action create = (Node.Action) seq.children().get(1);
        assertEquals("create note", create.name());
        HttpAction http = (HttpAction) create.fn();
        assertEquals("POST", http.method());
        assertEquals(Duration.ofSeconds(2), http.timeout());
        assertEquals(java.util.Set.of(200, 201), http.statuses());
        assertEquals(new Node.Wait(Duration.ofMillis(500), Duration.ofMillis(500)), seq.children().get(11));
        assertEquals(new Node.Wait(Duration.ofSeconds(1), Duration.ofSeconds(2)), seq.children().get(12));
        assertEquals(new Node.Wait(Duration.ofMillis(100), Duration.ofSeconds(1)), seq.children().get(13));
        assertInstanceOf(Node.Retry.class, seq.children().get(15));
        assertEquals(true, ((Node.Parallel) seq.children().get(16)).all());
    }

    @Test
    void namesTheKeyPathOfEveryMistakeAtOnce() {
        List<String> p = problems("""
                tree:
                  sequence:
                    - request: {methd: GET, path: /health}
                      expect: {stauts: 200}
                    - sequense: [done]
                    - repeat: {times: 0, node: done}
                    - wait: soon
                    - request: {path: health, method: FETCH}
                      save: {"bad name": $.id, ok: id}
                    - dnoe
                """);
        assertEquals(List.of(
                "smoke.yml: tree.sequence[0].request.methd: unknown key (did you mean method?)",
                "smoke.yml: tree.sequence[0].expect.stauts: unknown key (did you mean status?)",
                "smoke.yml: tree.sequence[1].sequense: unknown node (did you mean sequence?)",
                "smoke.yml: tree.sequence[2].repeat.times: expected a whole number from 1 to 1000000, got 0",
                "smoke.yml: tree.sequence[3].wait: expected a duration (seconds, or like 500ms, 30s, 2m, 1h, 1.5s or 1m30s), got \"soon\"",
                "smoke.yml: tree.sequence[4].request.method: unknown method FETCH (use one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT)",
                "smoke.yml: tree.sequence[4].request.path: a path starts with / (it is relative to the target URL), got \"health\"",
                "smoke.yml: tree.sequence[4].save.bad name: a saved name is letters, digits, _ . - (it is used as ${bad name})",
                "smoke.yml: tree.sequence[4].save.ok: a JSON path starts with $, like $.id or $.items[0].name",
                "smoke.yml: tree.sequence[5]: unknown node \"dnoe\" (did you mean done?)"), p);
    }

    @Test
    void durationsUseTheConfigSyntax() throws Exception {
        Node.Sequence seq = assertInstanceOf(Node.Sequence.class, YamlTree.parse("t.yml", """
                tree:
                  sequence:
                    - wait: 1h
                    - wait: 1m30s
                    - wait: [250ms, 1.5s]
                    - timeout: {after: 2m, node: succeed}
                """));
        assertEquals(new Node.Wait(Duration.ofHours(1), Duration.ofHours(1)), seq.children().get(0));
        assertEquals(new Node.Wait(Duration.ofSeconds(90), Duration.ofSeconds(90)), seq.children().get(1));
        assertEquals(new Node.Wait(Duration.ofMillis(250), Duration.ofMillis(1500)), seq.children().get(2));
        assertEquals(Duration.ofMinutes(2), ((Node.Timeout) seq.children().get(3)).limit());
        assertEquals(List.of("smoke.yml: tree.wait: expected a duration (seconds, or like 500ms, 30s, 2m, 1h, 1.5s or 1m30s), got \"1d\""),
                problems("tree: {wait: 1d}"));
    }

    @Test
    void structuralMistakes() {
        assertEquals(List.of("smoke.yml: trees: unknown key (did you mean tree?)", "smoke.yml: missing key tree (the root node)"),
                problems("trees: done"));
        assertEquals(List.of("smoke.yml: the file is empty; it needs a tree: key"), problems(""));
        assertEquals(List.of("smoke.yml: tree.select: expected a list of at least one node, got a list"), problems("tree: {select: []}"));
        assertEquals(List.of("smoke.yml: tree: a node has exactly one key, got [select, sequence] (an HTTP action needs request:)"),
                problems("tree: {select: [done], sequence: [done]}"));
        assertEquals(List.of("smoke.yml: tree.wait: max (1s) is less than min (2s)"), problems("tree: {wait: [2, 1]}"));
        assertEquals(List.of("smoke.yml: tree.timeout: missing key node"), problems("tree: {timeout: {after: 1s}}"));
        assertEquals(List.of("smoke.yml: tree.expect.status: expected an HTTP status (100-599) or a list of them, got 2000"),
                problems("tree: {request: {path: /}, expect: {status: 2000}}"));
        TreeException bad = assertThrows(TreeException.class, () -> YamlTree.parse("smoke.yml", "tree: [unclosed"));
        assertEquals("smoke.yml is not valid YAML", bad.getMessage());
        assertEquals(true, bad.problems().get(0).startsWith("smoke.yml:1:"), bad.problems().toString());
    }

    @Test
    void anUnquotedJsonPathKeyInAFlowMapGetsAHintToQuoteIt() {
        TreeException e = assertThrows(TreeException.class, () -> YamlTree.parse("t.yml", """
                tree:
                  request: {path: /people}
                  expect: {json: {$.people[0].name: James}}
                """));
        assertEquals("t.yml is not valid YAML", e.getMessage());
        assertEquals("hint: line 3 has the JSON path $.people[0].name as a key inside {...}, where [ ] are YAML syntax; quote it:"
                + " \"$.people[0].name\": ..., or write the map on its own lines (key: value)", e.problems().get(1), e.problems().toString());
        TreeException other = assertThrows(TreeException.class, () -> YamlTree.parse("t.yml", "tree: [unclosed"));
        assertEquals(1, other.problems().size(), "no hint where it does not apply: " + other.problems());
    }

    @Test
    void thresholdsAreReadWithTheTreeAndTheirMistakesNamedByIndex() throws Exception {
        var loaded = YamlTree.parseFile("t.yml", """
                tree: done
                thresholds:
                  - "all: p99 < 200ms"
                  - {threshold: "done: count >= 1", abort_on_fail: true}
                """);
        assertEquals(2, loaded.thresholds().size());
        assertEquals("done: count >= 1, abort_on_fail", loaded.thresholds().get(1).describe());
        assertEquals(List.of("smoke.yml: thresholds[0]: threshold 'all: p99 < 2': '2' is not a latency: p99 takes a number with ms or s, like 200ms or 1.5s",
                        "smoke.yml: thresholds[1].abort_on_fail: expected true or false, got text \"yes\"",
                        "smoke.yml: thresholds[2].treshold: unknown key (did you mean threshold?)", "smoke.yml: thresholds[2]: missing key threshold"),
                problems("""
                        tree: done
                        thresholds: ["all: p99 < 2", {threshold: "all: max < 1s", abort_on_fail: "yes"}, {treshold: "x"}]
                        """));
    }

    @Test
    void referencesAndHeadersAreCheckedBeforeAnyRequest() {
        assertEquals(List.of(
                "smoke.yml: tree.sequence[0].request.path: \"${note id}\" is not a reference: write ${name} with letters, digits, _ . - in the name",
                "smoke.yml: tree.sequence[1].request.headers.Host: Sortie sets this header itself (the target URL gives the Host)",
                "smoke.yml: tree.sequence[2].request.body: \"${unclosed\" is not a reference: write ${name} with letters, digits, _ . - in the name",
                "smoke.yml: tree.sequence[3].weighted_random[0].weight: expected a whole number from 1 to 1000000, got 2000000000",
                "smoke.yml: tree.sequence[3].weighted_random[1].weight: expected a whole number from 1 to 1000000, got 2000000000",
                "smoke.yml: tree.sequence[4].wait: must be at most 100 years, got \"99999999m\""),
                problems("""
                        tree:
                          sequence:
                            - request: {path: "/notes/${note id}"}
                            - request: {path: /, headers: {Host: evil.example}}
                            - request: {method: POST, path: /, body: "x ${unclosed"}
                            - weighted_random: [{weight: 2000000000, node: done}, {weight: 2000000000, node: done}]
                            - wait: 99999999m
                        """));
    }

    @Test
    void valuesSubstitutedIntoPathsArePercentEncoded() {
        var ctx = new dev.sortie.bots.tree.BotContext(4, "");
        ctx.put("q", "a b/c&d#");
        assertEquals("/search/a%20b%2Fc%26d%23/4", Substitution.expandPath("/search/${q}/${bot_id}", ctx));
        assertEquals("a b/c&d#", Substitution.expand("${q}", ctx));
        assertEquals(null, Substitution.malformed("plain ${ok} and ${also.ok-1}"));
    }

    @Test
    void jsonPathsReadTheSubsetSmokeTestsUse() throws Exception {
        var doc = HttpAction.JSON.readTree("{\"a\": {\"items\": [{\"id\": 7}], \"odd key\": true}}");
        assertEquals("7", JsonPath.parse("$.a.items[0].id").find(doc).asText());
        assertEquals(true, JsonPath.parse("$.a['odd key']").find(doc).asBoolean());
        assertEquals(null, JsonPath.parse("$.a.items[3]").find(doc));
        assertEquals(doc, JsonPath.parse("$").find(doc));
        assertThrows(IllegalArgumentException.class, () -> JsonPath.parse("$.a[*]"));
        assertThrows(IllegalArgumentException.class, () -> JsonPath.parse("$..a"));
    }
}
