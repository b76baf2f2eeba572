package dev.sortie.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ConfigException;
import dev.sortie.config.NginxOptions;
import dev.sortie.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class TemplateTest {

    private final Template template = new Template("site.conf", "server_name {{domains}};\nlisten {{listen}}:{{port}}; # {{app}}\n");

    private static final Map<String, String> VALUES = Map.of(
            "domains", "a.example.com b.example.com",
            "listen", "127.0.0.1",
            "port", "8480",
            "app", "hello");

    @Test
    void fillsEveryPlaceholder() {
        assertEquals("server_name a.example.com b.example.com;\nlisten 127.0.0.1:8480; # hello\n",
                template.render(VALUES, Set.of("domains")));
    }

    @Test
    void sameKeyTwiceAndTextWithoutPlaceholders() {
        assertEquals("x-x", new Template("t", "{{a}}-{{a}}").render(Map.of("a", "x"), Set.of()));
        assertEquals("plain $host { }", new Template("t", "plain $host { }").render(Map.of(), Set.of()));
    }

    @Test
    void pathValuesPassUntouched() {
        assertEquals("/srv/a-b_c.d/x", new Template("t", "{{p}}").render(Map.of("p", "/srv/a-b_c.d/x"), Set.of()));
    }

    @Test
    void unknownPlaceholderListsProvidedKeys() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Template("site.conf", "{{app}} {{missing}}").render(Map.of("app", "x", "port", "1", "listen", "l"), Set.of()));
        assertEquals("template site.conf uses {{missing}}, which Sortie does not provide; it provides: app, listen, port", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a;b", "a{", "}", "a b", "a\tb", "a\nb", "'q'", "\"q\"", "$host", "a#b", "a\\b", ""})
    void unsafeValuesAreRefused(String value) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Template("site.conf", "x {{app}};").render(Map.of("app", value), Set.of()));
        assertTrue(e.getMessage().startsWith("refusing to write app = \""), e.getMessage());
        assertTrue(e.getMessage().endsWith(" into site.conf: it contains characters that would change the nginx config"), e.getMessage());
    }

    @Test
    void spacedKeysAllowSingleSpacesBetweenSafeWords() {
        Template t = new Template("t", "server_name {{domains}};");
        assertEquals("server_name a.com b.com c.com;", t.render(Map.of("domains", "a.com b.com c.com"), Set.of("domains")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.com  b.com", " a.com", "a.com ", "a.com\tb.com", "a.com b;com", "a.com {", ""})
    void spacedKeysStillRefuseEverythingElse(String value) {
        Template t = new Template("t", "server_name {{domains}};");
        var e = assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("domains", value), Set.of("domains")));
        assertTrue(e.getMessage().startsWith("refusing to write domains = "), e.getMessage());
    }

    @Test
    void spacesOnlyAllowedForSpacedKeys() {
        Template t = new Template("t", "{{a}} {{b}}");
        var e = assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("a", "x y", "b", "x y"), Set.of("b")));
        assertEquals("refusing to write a = \"x y\" into t: it contains characters that would change the nginx config", e.getMessage());
    }

    private static SiteSwitch sites() {
        return new SiteSwitch(new ManagedNginx(Path.of("/srv/sortie"), Path.of("/srv/sortie/nginx"),
                new ServerConfig.Nginx("127.0.0.1", 8480, "nginx")));
    }

    @Test
    void bundledSiteTemplate() {
        String site = sites().render("hello", "20261121-120305-3f2a9c1", List.of("hello.localhost", "*.hello.example.com"), 41234);
        assertTrue(site.contains("server_name hello.localhost *.hello.example.com;"), site);
        assertTrue(site.contains("\n    server 127.0.0.1:41234 max_fails=1 fail_timeout=2s;\n"), site);
        assertTrue(site.contains("proxy_next_upstream_tries 1;"), site);
        assertTrue(site.contains("proxy_set_header Host $http_host;"), site);
        for (String header : List.of("X-Forwarded-For $proxy_add_x_forwarded_for;", "X-Forwarded-Proto $scheme;",
                "X-Forwarded-Host $host;", "X-Forwarded-Port $server_port;")) {
            assertTrue(site.contains("proxy_set_header " + header), header + " in " + site);
        }
        assertTrue(site.contains("from the nginx-site.conf bundled with Sortie"), site);
        assertTrue(site.contains("copy the template to /srv/sortie/templates/nginx-site.conf and edit it"), site);
        assertFalse(site.contains("edit templates/nginx-site.conf"), site);
        assertFalse(site.contains("client_max_body_size"), "no option of the app's own, no line: " + site);
        assertTrue(site.contains("listen 127.0.0.1:8480;"), site);
        assertTrue(site.contains("upstream sortie_app_hello {"), site);
        assertTrue(site.contains("proxy_pass http://sortie_app_hello;"), site);
        assertTrue(site.contains("add_header X-Sortie-Release 20261121-120305-3f2a9c1 always;"), site);
        assertFalse(site.contains("{{"), site);
    }

    @Test
    void bundledSiteTemplateBracketsIpv6Listen() {
        var sites = new SiteSwitch(new ManagedNginx(Path.of("/h"), Path.of("/h/nginx"), new ServerConfig.Nginx("::1", 9000, "nginx")));
        String site = sites.render("hello", "20261121-120305-3f2a9c1", List.of("hello.localhost"), 5000);
        assertTrue(site.contains("listen [::1]:9000;"), site);
    }

    @Test
    void siteRenderRefusesHostileDomains() {
        var e = assertThrows(ConfigException.class,
                () -> sites().render("hello", "20261121-120305-3f2a9c1", List.of("ok.com", "evil.com;"), 5000));
        assertTrue(e.getMessage().startsWith("domains[1]: \"evil.com;\" is not a host name"), e.getMessage());
    }

    @Test
    void theRenderedSiteNamesItsReleaseOnItsFirstLine() {
        String site = sites().render("hello", "20261121-120305-3f2a9c1", List.of("hello.localhost"), 41234);
        assertEquals(Optional.of("20261121-120305-3f2a9c1"), SiteSwitch.releaseNamed("hello", site));
        assertEquals(Optional.empty(), SiteSwitch.releaseNamed("other", site), "a site of another app");
    }

    @Test
    void releaseNamedParsesOnlyTheTemplatesFirstLine() {
        assertEquals(Optional.of("20261121-120305-3f2a9c1-2"), SiteSwitch.releaseNamed("a", "# a: release 20261121-120305-3f2a9c1-2.\nx"));
        assertEquals(Optional.of("20261121-120305-3f2a9c1"), SiteSwitch.releaseNamed("a", "# a: release 20261121-120305-3f2a9c1."));
        assertEquals(Optional.of("20261121-120305-3f2a9c1"), SiteSwitch.releaseNamed("a", "# a: release 20261121-120305-3f2a9c1.\r\n"));
        for (String text : List.of("", "\n# a: release 20261121-120305-3f2a9c1.", "# a: release 20261121-120305-3f2a9c1",
                "# a: release 20261121-120305-3F2A9C1.", "# a: release 2026112-120305-3f2a9c1.", "# a: release latest.",
                "# a: release 20261121-120305-3f2a9c1. (edited)", "server { }", "#a: release 20261121-120305-3f2a9c1.")) {
            assertEquals(Optional.empty(), SiteSwitch.releaseNamed("a", text), text);
        }
    }

    @Test
    void probeHostForWildcards() {
        assertEquals("hello.localhost", SiteSwitch.probeHost("hello.localhost"));
        assertEquals("sortie-probe.hello.example.com", SiteSwitch.probeHost("*.hello.example.com"));
    }

    @Test
    void directiveListsGoOneALineAtThePlaceholdersIndentation() {
        Template t = new Template("t", "a {\n    {{list}}\n}\nb {\n  {{none}}\n}\n");
        assertEquals("a {\n    x 1;\n    y 2 3;\n}\nb {\n}\n",
                t.render(Map.of(), Set.of(), Map.of("list", List.of("x 1;", "y 2 3;"), "none", List.of())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x 1", "x 1; y 2;", "x {", "x $host;", "x 'a';", "x  1;", "x 1;\n", "include /a#b;", "x\t1;"})
    void directiveListsTakeOnlyOneSimpleDirectiveALine(String line) {
        Template t = new Template("t", "{{list}}\n");
        var e = assertThrows(IllegalArgumentException.class, () -> t.render(Map.of(), Set.of(), Map.of("list", List.of(line))));
        assertTrue(e.getMessage().endsWith(" into t: not one simple nginx directive"), e.getMessage());
    }

    @Test
    void aDirectiveListPlaceholderInsideALineIsAnError() {
        Template t = new Template("t", "x {{list}};\n");
        var e = assertThrows(IllegalArgumentException.class, () -> t.render(Map.of(), Set.of(), Map.of("list", List.of("y;"))));
        assertEquals("template t uses {{list}} inside a line; it must stand alone on its line", e.getMessage());
    }

    @Test
    void oneUpstreamServerAPortAndAsManyTries() {
        String site = sites().render("hello", "20261121-120305-3f2a9c1", List.of("hello.localhost"), List.of(41001, 41002, 41003),
                SiteOptions.NONE);
        assertTrue(site.contains("""
                upstream sortie_app_hello {
                    # One line an instance; a request that finds one dead is retried on the next (proxy_next_upstream).
                    server 127.0.0.1:41001 max_fails=1 fail_timeout=2s;
                    server 127.0.0.1:41002 max_fails=1 fail_timeout=2s;
                    server 127.0.0.1:41003 max_fails=1 fail_timeout=2s;
                    keepalive 16;
                }
                """), site);
        assertTrue(site.contains("proxy_next_upstream error timeout http_502 http_503;"), site);
        assertTrue(site.contains("proxy_next_upstream_tries 3;"), site);
        assertEquals(Optional.of("20261121-120305-3f2a9c1"), SiteSwitch.releaseNamed("hello", site));
    }

    @Test
    void upstreamPortsMustBePorts() {
        assertThrows(IllegalArgumentException.class, () -> sites().render("a", "20261121-120305-3f2a9c1", List.of("a.localhost"),
                List.of(), SiteOptions.NONE));
        var e = assertThrows(IllegalArgumentException.class, () -> sites().render("a", "20261121-120305-3f2a9c1",
                List.of("a.localhost"), List.of(8080, 70000), SiteOptions.NONE));
        assertEquals("upstream port 70000 is not a TCP port", e.getMessage());
    }

    @Test
    void theAppsOptionsGoIntoServerAndLocation() {
        var options = new SiteOptions(Optional.of("25m"), Optional.of(Duration.ofMillis(1500)), Optional.of(Duration.ofMinutes(2)),
                Optional.of(Duration.ofSeconds(30)), Optional.of(Path.of("/srv/sortie/apps/hello/releases/r/app/nginx/extra.conf")));
        String site = sites().render("hello", "20261121-120305-3f2a9c1", List.of("hello.localhost"), List.of(41001), options);
        assertTrue(site.contains("""
                    server_name hello.localhost;
                    client_max_body_size 25m;
                    proxy_connect_timeout 1500ms;
                    proxy_read_timeout 120s;
                    proxy_send_timeout 30s;

                    # ACME HTTP-01 challenges for this site's certificate (tls: auto), while Sortie orders or renews it.
                    include /srv/sortie/nginx/acme-challenges/*.conf;

                    location / {
                """), site);
        assertTrue(site.contains("""
                        add_header X-Sortie-Release 20261121-120305-3f2a9c1 always;
                        include /srv/sortie/apps/hello/releases/r/app/nginx/extra.conf;
                    }
                """), site);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "512k", "10m", "1G"})
    void sizesNginxReads(String size) {
        assertEquals(Optional.of(size), new SiteOptions(Optional.of(size), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()).clientMaxBodySize());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10 m", "10m;", "10mb", "-1", "1e9", "10m\n", "$size"})
    void optionValuesAreCheckedAgainWhateverValidatedThem(String size) {
        var e = assertThrows(IllegalArgumentException.class, () -> new SiteOptions(Optional.of(size), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()));
        assertTrue(e.getMessage().startsWith("nginx.client_max_body_size: "), e.getMessage());
    }

    @Test
    void includePathsAndTimeoutsAreCheckedToo() {
        for (String path : List.of("relative/x.conf", "/a/../etc/passwd", "/a b/x.conf", "/a;/x.conf", "/a/$x.conf", "/a/{x}.conf")) {
            var e = assertThrows(IllegalArgumentException.class, () -> new SiteOptions(Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.of(Path.of(path))), path);
            assertTrue(e.getMessage().startsWith("nginx.include: "), e.getMessage());
        }
        for (Duration d : List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofNanos(1500), Duration.ofDays(2))) {
            var e = assertThrows(IllegalArgumentException.class, () -> new SiteOptions(Optional.empty(), Optional.of(d),
                    Optional.empty(), Optional.empty(), Optional.empty()), d.toString());
            assertTrue(e.getMessage().startsWith("nginx.proxy_connect_timeout: "), e.getMessage());
        }
    }

    @Test
    void anIncludeMustBeAFileInsideTheRelease(@TempDir Path dir) throws Exception {
        Path release = Files.createDirectories(dir.resolve("release"));
        Files.writeString(Files.createDirectories(release.resolve("nginx")).resolve("ok.conf"), "gzip on;\n");
        Files.writeString(dir.resolve("outside.conf"), "gzip on;\n");
        Files.createSymbolicLink(release.resolve("nginx/link.conf"), dir.resolve("outside.conf"));

        SiteOptions ok = SiteOptions.of(new NginxOptions(null, null, null, null, "nginx/ok.conf"), release);
        assertEquals(Optional.of(release.toRealPath().resolve("nginx/ok.conf")), ok.include());
        assertEquals(SiteOptions.NONE, SiteOptions.of(NginxOptions.DEFAULT, release));

        Map<String, String> refused = Map.of(
                "nginx/link.conf", "leads outside the release",
                "../outside.conf", "is outside the release",
                "nginx/missing.conf", "is not a file in the release",
                "nginx", "is not a file in the release");
        refused.forEach((include, why) -> {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> SiteOptions.of(new NginxOptions(null, null, null, null, include), release), include);
            assertTrue(e.getMessage().startsWith("nginx.include: " + include + " " + why), e.getMessage());
        });
    }

    @Test
    void aServersOwnTemplateIsUsedAndNamed(@TempDir Path home) throws Exception {
        var sites = new SiteSwitch(new ManagedNginx(home, home.resolve("nginx"), new ServerConfig.Nginx("127.0.0.1", 8480, "nginx")));
        Path override = Files.createDirectories(home.resolve("templates")).resolve("nginx-site.conf");
        Files.writeString(override, Template.bundled("nginx-site.conf").text()
                .replace("keepalive 16;", "keepalive 64;"));

        String site = sites.render("hello", "20261121-120305-3f2a9c1", List.of("hello.localhost"), 41234);

        assertTrue(site.contains("keepalive 64;"), site);
        assertTrue(site.contains("Written by Sortie on every deploy, from " + override + ": edits here are lost."), site);
        assertEquals(Optional.of("20261121-120305-3f2a9c1"), SiteSwitch.releaseNamed("hello", site));
    }

    @Test
    void aServersTemplateThatLacksWhatTheSwitchNeedsIsRefused(@TempDir Path home) throws Exception {
        var sites = new SiteSwitch(new ManagedNginx(home, home.resolve("nginx"), new ServerConfig.Nginx("127.0.0.1", 8480, "nginx")));
        Path override = Files.createDirectories(home.resolve("templates")).resolve("nginx-site.conf");
        String bundled = Template.bundled("nginx-site.conf").text();
        Map<String, String> broken = Map.of(
                bundled.replace("# {{app}}: release {{release}}.\n", ""), "must begin with the line # {{app}}: release {{release}}.",
                bundled.replace("    {{upstream_servers}}\n", "    server 127.0.0.1:1;\n"), "has no {{upstream_servers}} line",
                bundled.replace("add_header X-Sortie-Release {{release}} always;", ""), "must keep add_header X-Sortie-Release");
        for (var entry : broken.entrySet()) {
            Files.writeString(override, entry.getKey());
            var e = assertThrows(IllegalArgumentException.class,
                    () -> sites.render("hello", "20261121-120305-3f2a9c1", List.of("hello.localhost"), 41234));
            assertTrue(e.getMessage().startsWith("template " + override + " " + entry.getValue()), e.getMessage());
        }
        // Options of the app's own need their line too: dropping them silently would look like they applied.
        Files.writeString(override, bundled.replace("    {{server_options}}\n", ""));
        var options = new SiteOptions(Optional.of("1m"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        assertTrue(sites.render("hello", "20261121-120305-3f2a9c1", List.of("hello.localhost"), List.of(1), SiteOptions.NONE)
                .contains("server 127.0.0.1:1 "));
        var e = assertThrows(IllegalArgumentException.class,
                () -> sites.render("hello", "20261121-120305-3f2a9c1", List.of("hello.localhost"), List.of(1), options));
        assertTrue(e.getMessage().contains("has no {{server_options}} line, where Sortie writes the app's nginx: settings"), e.getMessage());
    }

    @Test
    void exportingTheBundledTemplatesKeepsTheServersOwn(@TempDir Path dir) throws Exception {
        Path templates = dir.resolve("templates");
        assertEquals(List.of(templates.resolve("nginx.conf"), templates.resolve("nginx-site.conf")), Template.exportBundled(templates));
        assertEquals(Template.bundled("nginx-site.conf").text(),
                Files.readString(templates.resolve("nginx-site.conf")));
        Files.writeString(templates.resolve("nginx-site.conf"), "mine\n");

        assertEquals(List.of(templates.resolve("nginx.conf.bundled"), templates.resolve("nginx-site.conf.bundled")),
                Template.exportBundled(templates));
        assertEquals("mine\n", Files.readString(templates.resolve("nginx-site.conf")));
        assertTrue(Files.readString(templates.resolve("nginx-site.conf.bundled")).startsWith("# {{app}}: release {{release}}.\n"));
    }

    @Test
    void aServersNginxConfIsUsedAndMustKeepTheSitesInclude(@TempDir Path home) throws Exception {
        var nginx = new ManagedNginx(home, home.resolve("nginx"), new ServerConfig.Nginx("127.0.0.1", 8480, "nginx"));
        nginx.prepare();
        String bundled = Files.readString(nginx.commands().config());
        assertTrue(bundled.contains("from the nginx.conf bundled with Sortie: edits here are lost."), bundled);

        Path override = Files.createDirectories(home.resolve("templates")).resolve("nginx.conf");
        Files.writeString(override, Template.bundled("nginx.conf").text().replace("worker_processes 1;", "worker_processes 2;"));
        nginx.prepare();
        String mine = Files.readString(nginx.commands().config());
        assertTrue(mine.contains("worker_processes 2;"), mine);
        assertTrue(mine.contains("from " + override + ": edits here are lost."), mine);

        Files.writeString(override, Template.bundled("nginx.conf").text().replace("include {{prefix}}/sites/*.conf;", ""));
        var e = assertThrows(IllegalArgumentException.class, nginx::prepare);
        assertEquals("template " + override + " must keep include {{prefix}}/sites/*.conf; (the apps' sites are there)", e.getMessage());
    }
}
