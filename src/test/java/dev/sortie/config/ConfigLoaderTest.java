package dev.sortie.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    private static final String SRC = "sortie.yml";

    private static String errorOf(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parseApp(yaml, SRC)).getMessage();
    }

    private static void assertContains(String message, String expected) {
        assertTrue(message.contains(expected), () -> "expected message to contain <" + expected + "> but was <" + message + ">");
    }

    @Test
    void emptyTextGivesDefaults() {
        AppConfig c = ConfigLoader.parseApp("", SRC);
        assertEquals("main", c.branch());
        assertEquals("/", c.healthcheck().path());
        assertEquals(Duration.ofSeconds(30), c.healthcheck().timeout());
        assertEquals(List.of("hello.localhost"), c.domainsFor("hello"));
        assertEquals(StepCommands.NONE, c.steps());
        assertNull(c.run());
        assertNull(c.artifact());
        assertEquals(List.of(), c.files());
    }

    @Test
    void botsSectionHasDefaultsAndIsValidated() {
        BotsConfig d = ConfigLoader.parseApp("", SRC).bots();
        assertEquals("bots/smoke.yml", d.treeOrDefault());
        assertEquals(false, d.explicit());
        assertEquals(1, d.count());
        assertEquals(Duration.ofSeconds(60), d.botTimeout());
        BotsConfig c = ConfigLoader.parseApp("bots:\n  tree: Smoke\n  count: 3\n  bot_timeout: 10s\n  timeout: 2m\n  enabled: false\n", SRC).bots();
        assertEquals(new BotsConfig("Smoke", 3, Duration.ofSeconds(10), Duration.ofMinutes(2), false), c);
        assertContains(fails("bots:\n  count: 0\n"), "sortie.yml: bots.count: must be between 1 and 10000, got 0");
        assertContains(fails("bots:\n  tree: ../../etc/x.yml\n"), "bots.tree");
        assertContains(fails("bots:\n  tre: x.yml\n"), "did you mean tree?");
        assertContains(fails("bots:\n  timeout: 0s\n"), "sortie.yml: bots.timeout: must be longer than 0s");
    }

    private static String fails(String yaml) {
        return org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.parseApp(yaml, SRC)).getMessage();
    }

    @Test
    void blankAndCommentOnlyTextGiveDefaults() {
        assertEquals(AppConfig.defaults(), ConfigLoader.parseApp("  \n\n", SRC));
        assertEquals(AppConfig.defaults(), ConfigLoader.parseApp("# nothing configured\n", SRC));
    }

    @Test
    void fullValidConfig() {
        String yaml = """
                branch: release/v2
                steps:
                  deps: []
                  compile: [./build.sh, compile]
                  package: [./build.sh, package, --fast]
                artifact: out/*.jar
                files: [config, static/css]
                run: [java, -Xmx256m, -jar, app.jar, --port, $PORT]
                healthcheck:
                  path: /health
                  timeout: 2m
                domains: [shop.example.com, "*.shop.example.com"]
                """;
        AppConfig c = ConfigLoader.parseApp(yaml, SRC);
        assertEquals("release/v2", c.branch());
        assertEquals(List.of(), c.steps().deps());
        assertEquals(List.of("./build.sh", "compile"), c.steps().compile());
        assertEquals(List.of("./build.sh", "package", "--fast"), c.steps().packaging());
        assertEquals("out/*.jar", c.artifact());
        assertEquals(List.of("config", "static/css"), c.files());
        assertEquals(List.of("java", "-Xmx256m", "-jar", "app.jar", "--port", "$PORT"), c.run());
        assertEquals(new Healthcheck("/health", Duration.ofMinutes(2)), c.healthcheck());
        assertEquals(List.of("shop.example.com", "*.shop.example.com"), c.domainsFor("hello"));
    }

    @Test
    void unknownNestedKeySuggestsTheNearest() {
        String msg = errorOf("healthcheck:\n  timout: 10s\n");
        assertContains(msg, "sortie.yml: healthcheck.timout: unknown key (did you mean timeout?)");
        assertContains(msg, "known keys here: path, timeout");
    }

    @Test
    void unknownStepSuggestsCompile() {
        String msg = errorOf("steps: {compiel: [x]}\n");
        assertContains(msg, "sortie.yml: steps.compiel: unknown key (did you mean compile?)");
    }

    @Test
    void unknownTopLevelKeyFarFromAnyHasNoSuggestion() {
        String msg = errorOf("zzzzzzzzzz: 1\n");
        assertContains(msg, "sortie.yml: zzzzzzzzzz: unknown key;");
        assertTrue(!msg.contains("did you mean"), msg);
    }

    @Test
    void runAsStringInsteadOfList() {
        String msg = errorOf("run: \"java -jar app.jar\"\n");
        assertContains(msg, "sortie.yml: run: expected a list");
    }

    @Test
    void timeoutThatIsNotADuration() {
        String msg = errorOf("healthcheck: {timeout: soon}\n");
        assertContains(msg, "sortie.yml: healthcheck.timeout: \"soon\" is not a valid duration");
        assertContains(msg, "500ms, 30s, 2m, 1h");
    }

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "30s, PT30S",
        "2m, PT2M",
        "1h, PT1H",
        "45, PT45S",
    })
    void durations(String text, String iso) {
        AppConfig c = ConfigLoader.parseApp("healthcheck:\n  timeout: " + text + "\n", SRC);
        assertEquals(Duration.parse(iso), c.healthcheck().timeout());
    }

    @Test
    void zeroTimeoutRejected() {
        assertContains(errorOf("healthcheck: {timeout: 0s}\n"), "sortie.yml: healthcheck.timeout: must be longer than 0s");
    }

    @Test
    void healthcheckPathMustStartWithSlash() {
        assertContains(errorOf("healthcheck: {path: health}\n"), "sortie.yml: healthcheck.path: \"health\" must be a URL path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.com; include /etc/passwd", "a b", "x{", "\\\"q\\\"", ""})
    void hostileDomainsRejected(String domain) {
        String msg = errorOf("domains: [\"" + domain + "\"]\n");
        assertContains(msg, "sortie.yml: domains[0]: ");
        String unescaped = domain.replace("\\\"", "\"");
        assertContains(msg, Quote.of(unescaped));
    }

    @Test
    void secondHostileDomainNamesItsIndex() {
        assertContains(errorOf("domains: [ok.example.com, \"bad;\"]\n"), "sortie.yml: domains[1]: \"bad;\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../main", "/main", "has space", "semi;colon", "a..b"})
    void badBranchRejected(String branch) {
        String msg = errorOf("branch: \"" + branch + "\"\n");
        assertContains(msg, "sortie.yml: branch: \"" + branch + "\" is not a branch name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../secrets", "a/../../b", ".."})
    void filesMustStayInsideTheProject(String path) {
        String msg = errorOf("files: [ok.txt, \"" + path + "\"]\n");
        assertContains(msg, "sortie.yml: files[1]: \"" + path + "\" must be a path inside the project");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tmp/app.jar", "../target/app.jar"})
    void artifactMustStayInsideTheProject(String path) {
        String msg = errorOf("artifact: \"" + path + "\"\n");
        assertContains(msg, "sortie.yml: artifact: \"" + path + "\" must be a path inside the project");
    }

    @Test
    void emptyRunRejected() {
        assertContains(errorOf("run: []\n"), "sortie.yml: run: needs at least a program");
    }

    @Test
    void invalidYamlReportsTheLine() {
        assertEquals("sortie.yml: not valid YAML at line 2, column 6: mapping values are not allowed here",
                errorOf("branch: main\n  bad: 1\n"));
        assertEquals("sortie.yml: not valid YAML at line 1, column 5: mapping values are not allowed here", errorOf("a: b: c\n"));
    }

    @Test
    void invalidYamlInsideAListReportsTheLine() {
        String msg = errorOf("branch: main\nrun: [java, -jar\nfiles: x\n");
        assertTrue(msg.startsWith("sortie.yml: not valid YAML at line 3, column "), msg);
        assertEquals(1, msg.lines().count(), msg);
    }

    @Test
    void invalidYamlInsideAMappingReportsTheLine() {
        String msg = errorOf("healthcheck:\n  path: /x\n   timeout: 3\n");
        assertTrue(msg.startsWith("sortie.yml: not valid YAML at line 3, column "), msg);
        assertEquals(1, msg.lines().count(), msg);
    }

    @Test
    void unterminatedFlowMappingIsInvalidYaml() {
        String msg = errorOf("healthcheck: {path: /x\n");
        assertTrue(msg.startsWith("sortie.yml: not valid YAML at line "), msg);
        assertEquals(1, msg.lines().count(), msg);
    }

    @Test
    void booleanForAStringIsRejected() {
        assertEquals("sortie.yml: branch: expected a string, got yes, which YAML reads as true (put it in quotes to mean the text: \"yes\")",
                errorOf("branch: yes\n"));
        assertEquals("sortie.yml: branch: expected a string, got true", errorOf("branch: true\n"));
    }

    @Test
    void mappingExpectedWhereAListIsGiven() {
        assertEquals("sortie.yml: steps: expected a mapping of keys (deps, compile, package), got a list", errorOf("steps: []\n"));
        assertEquals("sortie.yml: (top level): expected a mapping of keys (branch, steps, artifact, files, run, healthcheck, domains, hooks, "
                + "bots, instances, standby, nginx, tls, https_redirect), got a list", errorOf("- a\n"));
    }

    @Test
    void serverPortThatIsNotANumber(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("sortie.yml"), "nginx:\n  port: 8080.5\n");
        String msg = assertThrows(ConfigException.class, () -> ConfigLoader.loadServer(file)).getMessage();
        assertEquals(file + ": nginx.port: \"8080.5\" is not a valid whole number", msg);
    }

    @Test
    void missingServerConfigGivesDefaults(@TempDir Path dir) {
        ServerConfig c = ConfigLoader.loadServer(dir.resolve("sortie.yml"));
        assertEquals(8480, c.nginx().port());
        assertEquals("127.0.0.1", c.nginx().listen());
        assertEquals("nginx", c.nginx().binary());
        assertEquals(Duration.ofSeconds(5), c.drain());
        assertEquals(Duration.ofSeconds(10), c.stopTimeout());
    }

    @Test
    void serverConfigWithEveryKey(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("sortie.yml"), """
                nginx:
                  listen: 0.0.0.0
                  port: 9090
                  binary: /usr/sbin/nginx
                drain: 2s
                stop_timeout: 1m
                """);
        ServerConfig c = ConfigLoader.loadServer(file);
        assertEquals(new ServerConfig.Nginx("0.0.0.0", 9090, "/usr/sbin/nginx"), c.nginx());
        assertEquals(Duration.ofSeconds(2), c.drain());
        assertEquals(Duration.ofMinutes(1), c.stopTimeout());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 70000, -1})
    void serverPortOutOfRange(int port, @TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("sortie.yml"), "nginx:\n  port: " + port + "\n");
        String msg = assertThrows(ConfigException.class, () -> ConfigLoader.loadServer(file)).getMessage();
        assertEquals(file + ": nginx.port: " + port + " is not a port number (1-65535)", msg);
    }

    @Test
    void serverPortAsStringRejected(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("sortie.yml"), "nginx:\n  port: \"8080\"\n");
        String msg = assertThrows(ConfigException.class, () -> ConfigLoader.loadServer(file)).getMessage();
        assertEquals(file + ": nginx.port: expected a whole number, got text \"8080\"", msg);
    }

    @Test
    void serverUnknownKeyNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("sortie.yml"), "stopTimeout: 3s\n");
        String msg = assertThrows(ConfigException.class, () -> ConfigLoader.loadServer(file)).getMessage();
        assertContains(msg, file + ": stopTimeout: unknown key (did you mean stop_timeout?)");
    }
}
