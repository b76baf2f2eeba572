package dev.sortie.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DomainNameTest {

    private static final String NOT_A_HOST =
            "is not a host name: use lower-case letters, digits, dashes and dots (e.g. shop.example.com), optionally starting with *.";

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "hello.localhost", "shop.example.com", "*.example.com", "a-b.c-d.io", "x1.y2", "127.0.0.1"})
    void validDomains(String domain) {
        assertNull(DomainName.problem(domain), domain);
        assertEquals(domain, DomainName.require(domain, "domains[0]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.com; include /etc/passwd", "a b", "x{", "\"q\"", "Shop.example.com", "-a.com", "a-.com",
        "a..com", "a.com.", ".a.com", "*", "*.", "a.*.com", "**.a.com", "a$host", "a#b", "exa_mple.com", "a\nb"})
    void hostileOrMalformedDomains(String domain) {
        assertEquals(NOT_A_HOST, DomainName.problem(domain), domain);
    }

    @Test
    void emptyAndNull() {
        assertEquals("is empty", DomainName.problem(""));
        assertEquals("is empty", DomainName.problem(null));
    }

    @Test
    void tooLong() {
        String label = "a".repeat(63);
        String ok = String.join(".", label, label, label, "a".repeat(61)); // 253
        assertEquals(253, ok.length());
        assertNull(DomainName.problem(ok));
        assertEquals("is longer than 253 characters", DomainName.problem(ok + "a"));
    }

    @Test
    void labelLongerThan63Rejected() {
        assertNull(DomainName.problem("a".repeat(63) + ".com"));
        assertEquals(NOT_A_HOST, DomainName.problem("a".repeat(64) + ".com"));
    }

    @Test
    void requireNamesTheKeyPathAndQuotesTheValue() {
        String msg = assertThrows(ConfigException.class, () -> DomainName.require("evil.com;", "sortie.yml: domains[2]")).getMessage();
        assertEquals("sortie.yml: domains[2]: \"evil.com;\" " + NOT_A_HOST, msg);
    }
}
