package dev.sortie.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** tls and https_redirect in an app's sortie.yml; acme, tls and nginx.https_port in the server config. */
class TlsConfigTest {

    private static final String SRV = "/home/sortie/sortie.yml";

    private static List<String> appProblems(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parseApp(yaml, "sortie.yml")).problems();
    }

    private static List<String> serverProblems(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parseServer(yaml, SRV)).problems();
    }

    @Test
    void appTlsAutoOffAndRedirect() {
        AppConfig auto = ConfigLoader.parseApp("tls: auto\nhttps_redirect: true\ndomains: [shop.test]\n", "sortie.yml");
        assertEquals("auto", auto.tls());
        assertTrue(auto.httpsRedirect());
        AppConfig off = ConfigLoader.parseApp("tls: off\n", "sortie.yml");
        assertNull(off.tls());
        assertFalse(off.httpsRedirect());
        assertNull(AppConfig.defaults().tls());
    }

    @Test
    void appTlsTakesOnlyAutoOrOff() {
        assertEquals(List.of("sortie.yml: tls: expected auto or off, got text \"letsencrypt\""), appProblems("tls: letsencrypt\n"));
        assertEquals(List.of("sortie.yml: tls: expected auto or off, got true"), appProblems("tls: true\n"));
        assertEquals(List.of("sortie.yml: tls: expected auto or off, got a mapping"), appProblems("tls: {cert: /a, key: /b}\n"));
        assertEquals(List.of("sortie.yml: https_redirect: expected true or false, got text \"always\""), appProblems("https_redirect: always\n"));
    }

    @Test
    void tlsAutoCannotProveAWildcard() {
        List<String> problems = appProblems("tls: auto\ndomains: [shop.test, '*.shop.test']\n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith("sortie.yml: domains[1]: \"*.shop.test\" is a wildcard, and tls: auto proves each domain "
                + "over HTTP-01"), problems.getFirst());
        assertEquals(List.of("*.shop.test"), ConfigLoader.parseApp("domains: ['*.shop.test']\n", "sortie.yml").domains());
    }

    @Test
    void serverAcmeTlsAndHttpsPort() {
        ServerConfig c = ConfigLoader.parseServer("""
                nginx: {port: 8480, https_port: 9443}
                acme: {directory: "https://127.0.0.1:14000/dir", ca_cert: /etc/sortie/pebble-ca.pem, email: ops@shop.test}
                tls: {cert: /etc/ssl/shop/fullchain.pem, key: /etc/ssl/shop/key.pem}
                """, SRV);
        assertEquals(9443, c.nginx().httpsPort());
        assertEquals(new ServerConfig.Acme("https://127.0.0.1:14000/dir", "/etc/sortie/pebble-ca.pem", "ops@shop.test"), c.acme());
        assertEquals(new ServerConfig.TlsFiles("/etc/ssl/shop/fullchain.pem", "/etc/ssl/shop/key.pem"), c.tls());
    }

    @Test
    void serverDefaults() {
        ServerConfig c = ConfigLoader.parseServer("drain: 1s\n", SRV);
        assertEquals(8443, c.nginx().httpsPort());
        assertEquals(ServerConfig.Acme.LETS_ENCRYPT, c.acme().directory());
        assertNull(c.acme().caCert());
        assertNull(c.tls());
    }

    @Test
    void serverMistakesAllAtOnce() {
        assertEquals(List.of(
                SRV + ": nginx.https_port: 70000 is not a port number (1-65535)",
                SRV + ": acme.directory: \"http://acme.example/dir\" must be the https URL of an ACME directory (e.g. "
                        + ServerConfig.Acme.LETS_ENCRYPT + ")",
                SRV + ": acme.ca_cert: \"pebble.pem\" must be an absolute path to a PEM file",
                SRV + ": acme.email: \"ops at shop\" is not an email address",
                SRV + ": tls.cert: \"certs/shop.pem\" must be an absolute path to a PEM certificate chain, with no spaces, quotes, ;, {, }, $ or #",
                SRV + ": tls.key: missing: tls: needs cert and key (its PEM private key)"),
                serverProblems("""
                        nginx: {https_port: 70000}
                        acme: {directory: "http://acme.example/dir", ca_cert: pebble.pem, email: ops at shop}
                        tls: {cert: certs/shop.pem}
                        """));
    }

    @Test
    void theHttpsPortIsNotTheHttpPort() {
        assertEquals(List.of(SRV + ": nginx.https_port: must differ from nginx.port (8480): one port cannot serve both HTTP and HTTPS"),
                serverProblems("nginx: {https_port: 8480}\n"));
        assertEquals(List.of(SRV + ": nginx.https_port: must differ from nginx.port (9000): one port cannot serve both HTTP and HTTPS"),
                serverProblems("nginx: {port: 9000, https_port: 9000}\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/ssl/a.pem; include /etc/passwd", "/etc/ssl/$host.pem", "/etc/ssl/a{b}.pem", "/etc/ssl/'a'.pem",
        "/etc/ssl/a.pem#", "/"})
    void hostileCertificatePathsAreRefused(String path) {
        List<String> problems = serverProblems("tls: {cert: " + Quote.of(path) + ", key: /etc/ssl/key.pem}\n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith(SRV + ": tls.cert: "), problems.getFirst());
    }
}
