package dev.sortie.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ConfigException;
import dev.sortie.config.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
        assertTrue(site.contains("server 127.0.0.1:41234;"), site);
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
}
