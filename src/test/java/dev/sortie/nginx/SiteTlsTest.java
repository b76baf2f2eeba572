package dev.sortie.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The TLS lines of a site: listen with ssl on the HTTPS port, the certificate's files, the redirect; hostile paths refused. */
class SiteTlsTest {

    private static final String RELEASE = "20261121-120305-3f2a9c1";
    private static final SiteTls TLS = new SiteTls(Path.of("/srv/sortie/tls/shop/cert.pem"), Path.of("/srv/sortie/tls/shop/key.pem"), false);

    private static SiteSwitch sites(Path home) {
        return new SiteSwitch(new ManagedNginx(home, home.resolve("nginx"), new ServerConfig.Nginx("127.0.0.1", 8480, "nginx", null, null, 9443)));
    }

    private static String render(Path home, Optional<SiteTls> tls) {
        return sites(home).render("shop", RELEASE, List.of("shop.test"), List.of(41001), SiteOptions.NONE, tls);
    }

    @Test
    void aSiteWithTlsListensOnTheHttpsPortWithItsCertificate() {
        String site = render(Path.of("/srv/sortie"), Optional.of(TLS));
        assertTrue(site.contains("""
                    listen 127.0.0.1:8480;
                    # HTTPS, when the app has it: the HTTPS port and the certificate's files.
                    listen 127.0.0.1:9443 ssl;
                    ssl_certificate /srv/sortie/tls/shop/cert.pem;
                    ssl_certificate_key /srv/sortie/tls/shop/key.pem;
                    server_name shop.test;
                """), site);
        assertTrue(site.contains("set $sortie_https_redirect off:$scheme;"), site);
        assertTrue(site.contains("include /srv/sortie/nginx/acme-challenges/*.conf;"), site);
        assertTrue(site.startsWith("# shop: release " + RELEASE + ".\n"), site);
    }

    @Test
    void withoutTlsThereIsNoSslLineAndNoRedirect() {
        String site = render(Path.of("/srv/sortie"), Optional.empty());
        assertFalse(site.contains(" ssl;"), site);
        assertFalse(site.contains("ssl_certificate"), site);
        assertTrue(site.contains("set $sortie_https_redirect off:$scheme;"), site);
    }

    @Test
    void theRedirectIsOnOnlyWithTlsAndRedirect() {
        String site = render(Path.of("/srv/sortie"), Optional.of(new SiteTls(TLS.cert(), TLS.key(), true)));
        assertTrue(site.contains("""
                        set $sortie_https_redirect on:$scheme;
                        if ($sortie_https_redirect = on:http) {
                            return 301 https://$host:9443$request_uri;
                        }
                """), site);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/ssl/a.pem; include /etc/passwd", "/etc/ssl/a.pem;", "/etc/ssl/$host.pem", "/etc/ssl/a b.pem",
        "/etc/ssl/a\nb.pem", "relative/cert.pem", "/etc/ssl/../shadow", "/etc/ssl/a{.pem", "/etc/ssl/'a'.pem", "/etc/ssl/#.pem"})
    void hostileCertificatePathsAreRefused(String path) {
        var e = assertThrows(IllegalArgumentException.class, () -> new SiteTls(Path.of(path), TLS.key(), false));
        assertTrue(e.getMessage().startsWith("refusing ssl_certificate "), e.getMessage());
        var k = assertThrows(IllegalArgumentException.class, () -> new SiteTls(TLS.cert(), Path.of(path), false));
        assertTrue(k.getMessage().startsWith("refusing ssl_certificate_key "), k.getMessage());
    }

    @Test
    void aServerTemplateWithoutTheTlsLineIsRefusedForATlsSiteOnly(@TempDir Path home) throws IOException {
        String bundled = Template.bundled(SiteSwitch.SITE_TEMPLATE).text();
        Files.createDirectories(home.resolve("templates"));
        Files.writeString(home.resolve("templates").resolve(SiteSwitch.SITE_TEMPLATE), bundled.replace("    {{tls}}\n", ""));
        var e = assertThrows(IllegalArgumentException.class, () -> render(home, Optional.of(TLS)));
        assertTrue(e.getMessage().contains("has no {{tls}} line, where Sortie writes the HTTPS listen and certificate lines"), e.getMessage());
        assertFalse(render(home, Optional.empty()).contains("ssl"));
    }
}
