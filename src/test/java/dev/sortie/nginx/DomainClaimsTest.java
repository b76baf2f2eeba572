package dev.sortie.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ConfigException;
import dev.sortie.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class DomainClaimsTest {

    @Test
    void namesOverlapWhenEqualOrCoveredByAWildcard() {
        assertTrue(DomainClaims.overlaps("a.example.com", "a.example.com"));
        assertTrue(DomainClaims.overlaps("*.example.com", "a.example.com"));
        assertTrue(DomainClaims.overlaps("a.b.example.com", "*.example.com"));
        assertTrue(DomainClaims.overlaps("*.example.com", "*.example.com"));
        assertTrue(DomainClaims.overlaps("*.b.example.com", "*.example.com"));
        assertFalse(DomainClaims.overlaps("example.com", "*.example.com"), "a wildcard does not cover the bare name");
        assertFalse(DomainClaims.overlaps("a.example.com", "b.example.com"));
        assertFalse(DomainClaims.overlaps("*.example.com", "*.example.org"));
        assertFalse(DomainClaims.overlaps("badexample.com", "*.example.com"));
    }

    @Test
    void claimsComeFromTheOtherAppsSites(@TempDir Path sites) throws Exception {
        Files.writeString(sites.resolve("hello.conf"), "# hello: release x.\nserver {\n    server_name hello.localhost www.hello.test;\n}\n");
        Files.writeString(sites.resolve("shop.conf"), "server {\n    server_name *.shop.test;\n}\n");
        Files.writeString(sites.resolve(".shop.conf.tmp"), "server { server_name half.written; }");
        assertEquals(Map.of("shop", List.of("*.shop.test")), DomainClaims.claims(sites, "hello"));
        assertEquals(List.of("hello.localhost", "www.hello.test"), DomainClaims.claims(sites, "shop").get("hello"));
    }

    @Test
    void inASystemSitesDirOnlySortiesFilesClaim(@TempDir Path sites) throws Exception {
        Files.writeString(sites.resolve("default"), "server {\n    server_name _;\n}\n");
        Files.writeString(sites.resolve("blog.conf"), "server {\n    server_name blog.test;\n}\n");
        Files.writeString(sites.resolve("sortie.conf"), "map $http_upgrade $sortie_connection_upgrade { default upgrade; }\n");
        Files.writeString(sites.resolve("sortie-shop.conf"), "server {\n    server_name shop.test;\n}\n");
        Files.writeString(sites.resolve("sortie-hello.conf"), "server {\n    server_name hello.test;\n}\n");
        SiteSwitch system = new SiteSwitch(new SystemNginx(Path.of("/h"),
                new ServerConfig.Nginx("127.0.0.1", 80, "nginx", "system", sites.toString(), 443)));
        assertEquals(Map.of("shop", List.of("shop.test")), DomainClaims.claims(sites, "hello", system::appOfSiteFile));
        DomainClaims.check("hello", List.of("hello.test", "blog.test"), system); // blog.test is the system's business
        var taken = assertThrows(ConfigException.class, () -> DomainClaims.check("hello", List.of("shop.test"), system));
        assertTrue(taken.getMessage().contains("shop.test is taken: app shop serves it"), taken.getMessage());
    }
}
