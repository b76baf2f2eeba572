package dev.sortie.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "hello", "my-shop", "app2", "a1-b2-c3", "abcdefghijklmnopqrstuvwxyz0123456789abcd"})
    void validNames(String name) {
        assertTrue(AppName.isValid(name), name);
        assertEquals(name, AppName.require(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Hello", "1app", "-app", "app-", "my--shop", "my_shop", "my.shop", "../etc", "a b",
        "abcdefghijklmnopqrstuvwxyz0123456789abcde"})
    void invalidNames(String name) {
        assertFalse(AppName.isValid(name), name);
    }

    @Test
    void fortyIsTheLongest() {
        assertTrue(AppName.isValid("a".repeat(40)));
        assertFalse(AppName.isValid("a".repeat(41)));
    }

    @Test
    void nullIsInvalid() {
        assertFalse(AppName.isValid(null));
        assertEquals("invalid app name (none): use 1-40 lower-case letters, digits and single dashes, starting with a letter (e.g. hello, my-shop)",
                assertThrows(ConfigException.class, () -> AppName.require(null)).getMessage());
    }

    @Test
    void requireQuotesTheBadName() {
        String msg = assertThrows(ConfigException.class, () -> AppName.require("My App\n")).getMessage();
        assertTrue(msg.startsWith("invalid app name \"My App\\n\": use 1-40 lower-case letters"), msg);
    }
}
