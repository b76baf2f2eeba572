package dev.sortie.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** sortie.yml: every mistake at once, duplicates, the size limit, syntax errors at the right line, the day-two keys. */
class ConfigProblemsTest {

    private static final String SRC = "sortie.yml";

    private static ConfigException errorOf(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parseApp(yaml, SRC));
    }

    private static List<String> problemsOf(String yaml) {
        ConfigException e = errorOf(yaml);
        assertEquals(String.join("\n", e.problems()), e.getMessage());
        return e.problems();
    }

    @Test
    void rangeAndMisspeltKeyAreReportedTogether() {
        assertEquals(List.of(
                "sortie.yml: instances: must be between 1 and 32, got 0",
                "sortie.yml: branhc: unknown key (did you mean branch?); known keys here: artifact, bots, branch, domains, files, "
                        + "healthcheck, hooks, https_redirect, instances, nginx, run, standby, steps, tls"),
                problemsOf("instances: 0\nbranhc: main\n"));
    }

    @Test
    void everyKindOfMistakeAtOnceInFileOrder() {
        List<String> problems = problemsOf("""
                branch: "../x"
                steps:
                  compiel: [make]
                run: "java -jar app.jar"
                healthcheck:
                  path: health
                  timeout: soon
                files: [ok, /etc/passwd]
                bots:
                  count: 2.5
                  enabled: maybe
                instances: 99
                nginx:
                  proxy_read_timeout: 2h
                  include: ../site.conf
                """);
        assertEquals(List.of(
                "sortie.yml: branch: \"../x\" is not a branch name",
                "sortie.yml: steps.compiel: unknown key (did you mean compile?); known keys here: compile, deps, package",
                "sortie.yml: run: expected a list, e.g. [java, -jar, app.jar], got text \"java -jar app.jar\"",
                "sortie.yml: healthcheck.path: \"health\" must be a URL path starting with / (e.g. /health)",
                "sortie.yml: healthcheck.timeout: \"soon\" is not a valid duration (use a number with a unit: "
                        + "500ms, 30s, 2m, 1h, 1.5s or 1m30s)",
                "sortie.yml: files[1]: \"/etc/passwd\" must be a path inside the project (relative, no ..)",
                "sortie.yml: bots.count: \"2.5\" is not a valid whole number",
                "sortie.yml: bots.enabled: expected true or false, got text \"maybe\"",
                "sortie.yml: instances: must be between 1 and 32, got 99",
                "sortie.yml: nginx.proxy_read_timeout: must be at most 1h, got 2h",
                "sortie.yml: nginx.include: \"../site.conf\" must be a path inside the project (relative, no ..)"),
                problems);
    }

    @Test
    void duplicateKeyNamesBothLines() {
        assertEquals(List.of("sortie.yml: run: duplicate key, on line 1 and again on line 3; keep one (YAML would silently take the last)"),
                problemsOf("run: [a]\nbranch: main\nrun: [b]\n"));
    }

    @Test
    void nestedDuplicateKeyAndOtherMistakesTogether() {
        assertEquals(List.of(
                "sortie.yml: healthcheck.path: duplicate key, on line 2 and again on line 4; keep one (YAML would silently take the last)",
                "sortie.yml: instances: must be between 1 and 32, got 0"),
                problemsOf("healthcheck:\n  path: /a\n  timeout: 5s\n  path: /b\ninstances: 0\n"));
    }

    @Test
    void duplicateInAFlowMapping() {
        assertEquals(List.of("sortie.yml: hooks.file: duplicate key, on line 1 and again on line 1; keep one (YAML would silently take the last)"),
                problemsOf("hooks: {file: A.java, file: B.java}\n"));
    }

    @Test
    void aliasIsRefusedRatherThanReadAsItsName() {
        assertEquals(List.of("sortie.yml: files: aliases (*x) are not supported; write the value out"),
                problemsOf("run: &x [java, -jar, app.jar]\nfiles: *x\n"));
    }

    @Test
    void secondDocumentIsRefused() {
        assertEquals(List.of("sortie.yml: (top level): a second YAML document (after ---) begins at line 3; a config file holds one document"),
                problemsOf("branch: main\n---\nbranch: dev\n"));
    }

    @Test
    void fiftyMegabytesGetTheSizeLimitNotAnInternalError() {
        var sb = new StringBuilder("branch: main\nfiles:\n");
        while (sb.length() < 50 * 1024 * 1024) {
            sb.append("  - static/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
        }
        ConfigException e = errorOf(sb.toString());
        assertEquals("sortie.yml: the file is 50.0 MiB, over the 1 MiB limit for a config file; it should hold settings only", e.getMessage());
    }

    @Test
    void sizeLimitCountsBytesNotCharacters() {
        // 400k three-byte characters: 1.2 MB of UTF-8 in under half a million chars
        String yaml = "branch: main\n# " + "\u20ac".repeat(400_000) + "\n";
        assertTrue(yaml.length() < ConfigLoader.MAX_BYTES);
        assertEquals("sortie.yml: the file is 1.1 MiB, over the 1 MiB limit for a config file; it should hold settings only",
                errorOf(yaml).getMessage());
    }

    @Test
    void justUnderTheLimitIsRead() {
        String yaml = "branch: main\n# " + "x".repeat(ConfigLoader.MAX_BYTES - 20) + "\n";
        assertEquals("main", ConfigLoader.parseApp(yaml, SRC).branch());
    }

    @Test
    void tabIndentationPointsAtItsOwnLine() {
        String msg = errorOf("branch: main\nhealthcheck:\n  path: /health\n\ttimeout: 3s\n").getMessage();
        assertEquals("sortie.yml: not valid YAML at line 4, column 1: a tab cannot indent YAML; indent with spaces", msg);
    }

    @Test
    void tabInAListPointsAtItsOwnLine() {
        String msg = errorOf("branch: main\nrun:\n  - java\n\t- -jar\n").getMessage();
        assertTrue(msg.startsWith("sortie.yml: not valid YAML at line 4, column 1: "), msg);
    }

    @Test
    void unterminatedFlowMappingSaysWhereItBegan() {
        assertEquals("sortie.yml: not valid YAML at line 3, column 1: expected ',' or '}', but got <stream end> "
                + "(while parsing a flow mapping at line 2)", errorOf("branch: main\nhealthcheck: {path: /x\n").getMessage());
    }

    @Test
    void deepNestingIsASyntaxErrorNotACrash() {
        String msg = errorOf("files: " + "[".repeat(5_000) + "]".repeat(5_000) + "\n").getMessage();
        assertTrue(msg.startsWith("sortie.yml: not valid YAML"), msg);
        assertEquals(1, msg.lines().count(), msg);
    }

    @Test
    void nullItemInAListIsNamed() {
        assertEquals(List.of("sortie.yml: files[1]: empty; write a value or remove the item"), problemsOf("files: [a, ~, b]\n"));
    }

    @Test
    void numbersAreTakenAsTheirTextWhereTextIsExpected() {
        AppConfig c = ConfigLoader.parseApp("branch: 2024\nrun: [python3, -m, http.server, 8080]\n", SRC);
        assertEquals("2024", c.branch());
        assertEquals(List.of("python3", "-m", "http.server", "8080"), c.run());
    }

    @Test
    void nullValueMeansTheDefault() {
        AppConfig c = ConfigLoader.parseApp("branch:\nhealthcheck:\ninstances: ~\n", SRC);
        assertEquals(AppConfig.defaults(), c);
    }

    @Test
    void dayTwoKeysAreRead() {
        AppConfig c = ConfigLoader.parseApp("""
                instances: 3
                standby: 1m30s
                nginx:
                  client_max_body_size: 10m
                  proxy_connect_timeout: 500ms
                  proxy_read_timeout: 1.5m
                  proxy_send_timeout: 1h
                  include: deploy/nginx/extra.conf
                """, SRC);
        assertEquals(3, c.instances());
        assertEquals(Duration.ofSeconds(90), c.standby());
        assertEquals(new NginxOptions("10m", Duration.ofMillis(500), Duration.ofSeconds(90), Duration.ofHours(1), "deploy/nginx/extra.conf"),
                c.nginx());
    }

    @Test
    void dayTwoKeysDefault() {
        AppConfig c = ConfigLoader.parseApp("", SRC);
        assertEquals(1, c.instances());
        assertEquals(null, c.standby());
        assertEquals(NginxOptions.DEFAULT, c.nginx());
    }

    @Test
    void standbyZeroIsAllowedAndNegativeIsNotADuration() {
        assertEquals(Duration.ZERO, ConfigLoader.parseApp("standby: 0s\n", SRC).standby());
        assertEquals(List.of("sortie.yml: standby: \"-5s\" is not a valid duration (use a number with a unit: 500ms, 30s, 2m, 1h, 1.5s or 1m30s)"),
                problemsOf("standby: -5s\n"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 33, -1})
    void instancesOutOfRange(int n) {
        assertEquals(List.of("sortie.yml: instances: must be between 1 and 32, got " + n), problemsOf("instances: " + n + "\n"));
    }

    @Test
    void instancesMustBeAWholeNumber() {
        assertEquals(List.of("sortie.yml: instances: expected a whole number, got text \"two\""), problemsOf("instances: two\n"));
        assertEquals(List.of("sortie.yml: instances: 99999999999 is too large"), problemsOf("instances: 99999999999\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1024", "512k", "512K", "10m", "1g", "999999G"})
    void nginxSizesAccepted(String size) {
        assertEquals(size, ConfigLoader.parseApp("nginx: {client_max_body_size: " + size + "}\n", SRC).nginx().clientMaxBodySize());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10MB", "1.5m", "1234567k", "10 m", "-1", "1t", "10m; evil", "''"})
    void nginxSizesRefused(String size) {
        List<String> problems = problemsOf("nginx: {client_max_body_size: " + size + "}\n");
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().startsWith("sortie.yml: nginx.client_max_body_size: "), problems::toString);
        assertTrue(problems.getFirst().endsWith(" is not an nginx size: up to 6 digits and an optional k, m or g "
                + "(e.g. 512k, 10m, 1g; 0 means no limit)"), problems::toString);
    }

    @Test
    void nginxTimeoutsMustBePositiveAndAtMostAnHour() {
        assertEquals(List.of(
                "sortie.yml: nginx.proxy_connect_timeout: must be longer than 0s",
                "sortie.yml: nginx.proxy_read_timeout: must be at most 1h, got 1h0.001s",
                "sortie.yml: nginx.proxy_send_timeout: expected a duration like 500ms, 30s, 2m, 1h, 1.5s or 1m30s, got a list"),
                problemsOf("nginx:\n  proxy_connect_timeout: 0s\n  proxy_read_timeout: 3600.001\n  proxy_send_timeout: [1s]\n"));
        assertEquals(Duration.ofHours(1), ConfigLoader.parseApp("nginx: {proxy_read_timeout: 60m}\n", SRC).nginx().proxyReadTimeout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/nginx/evil.conf", "../x.conf", "nginx/../../x.conf"})
    void nginxIncludeMustStayInsideTheProject(String path) {
        assertEquals(List.of("sortie.yml: nginx.include: \"" + path + "\" must be a path inside the project (relative, no ..)"),
                problemsOf("nginx: {include: \"" + path + "\"}\n"));
    }

    @Test
    void nginxIncludeMustBeAConfFile() {
        assertEquals(List.of("sortie.yml: nginx.include: \"nginx/extra.txt\" must be a .conf file"),
                problemsOf("nginx: {include: nginx/extra.txt}\n"));
    }

    @Test
    void unknownNginxKeySuggests() {
        assertEquals(List.of("sortie.yml: nginx.client_max_body: unknown key (did you mean client_max_body_size?); known keys here: "
                + "client_max_body_size, include, proxy_connect_timeout, proxy_read_timeout, proxy_send_timeout"),
                problemsOf("nginx: {client_max_body: 10m}\n"));
    }

    @Test
    void decimalDurationsInSortieYml() {
        assertEquals(Duration.ofMillis(1500), ConfigLoader.parseApp("healthcheck: {timeout: 1.5s}\n", SRC).healthcheck().timeout());
        assertEquals(Duration.ofMillis(2500), ConfigLoader.parseApp("hooks: {timeout: 2.5}\n", SRC).hooks().timeout());
    }

    @Test
    void problemsOfAValueThatFailsTwiceAreNotDoubled() {
        // a wrong type is reported once; the value then counts as absent, so its range check sees the default
        assertEquals(List.of("sortie.yml: bots.count: expected a whole number, got text \"many\""), problemsOf("bots: {count: many}\n"));
    }
}
