package dev.sortie.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ConfigException;
import dev.sortie.config.SortieHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshKeysTest {

    @TempDir
    Path tmp;

    SortieHome home;
    Path authorizedKeys;
    SshKeys keys;

    @BeforeEach
    void twoApps() throws Exception {
        home = new SortieHome(tmp.resolve("my home"));
        Files.createDirectories(home.repo("shop"));
        Files.createDirectories(home.repo("blog"));
        authorizedKeys = tmp.resolve("ssh/authorized_keys");
        keys = new SshKeys(home, authorizedKeys, List.of("/opt/sortie/bin/sortie"));
    }

    @Test
    void addStoresTheRightsAndWritesTheForcedCommandLine() throws Exception {
        SshKeys.Added added = keys.add("alice", TestKeys.ALICE, new KeyRights(List.of("shop"), false, false));
        assertFalse(added.replaced());
        assertEquals(List.of("restrict,command=\"SORTIE_HOME='" + home.root() + "' /opt/sortie/bin/sortie ssh-shell alice\" "
                + PublicKey.parse(TestKeys.ALICE).text() + " sortie:alice"), Files.readAllLines(authorizedKeys));
        SshKey stored = SshKeyStore.of(home).find("alice").orElseThrow();
        assertEquals(new KeyRights(List.of("shop"), false, false), stored.rights());
        assertEquals(PublicKey.parse(TestKeys.ALICE), stored.key());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(SshKeyStore.of(home).path())));
    }

    @Test
    void reAddReplacesKeyAndRights() throws Exception {
        keys.add("alice", TestKeys.ALICE, new KeyRights(List.of("shop"), false, false));
        SshKeys.Added again = keys.add("alice", TestKeys.BOB, new KeyRights(List.of(), true, false));
        assertTrue(again.replaced());
        List<SshKeys.Listed> listed = keys.list();
        assertEquals(1, listed.size());
        assertEquals(TestKeys.BOB_FINGERPRINT, listed.getFirst().key().key().fingerprint());
        assertEquals("all apps", listed.getFirst().key().rights().describe());
        assertTrue(listed.getFirst().inFile());
        assertEquals(1, Files.readAllLines(authorizedKeys).size());
    }

    @Test
    void removeTakesOutTheLineAndTheRights() throws Exception {
        Files.createDirectories(authorizedKeys.getParent());
        Files.writeString(authorizedKeys, TestKeys.CAROL + "\n");
        keys.add("alice", TestKeys.ALICE, new KeyRights(List.of(), false, true));
        keys.add("bob", TestKeys.BOB, new KeyRights(List.of("shop", "blog"), false, false));
        assertTrue(keys.remove("alice"));
        assertFalse(keys.remove("alice"));
        assertEquals(List.of("bob"), keys.list().stream().map(l -> l.key().name()).toList());
        List<String> lines = Files.readAllLines(authorizedKeys);
        assertEquals(2, lines.size());
        assertEquals(TestKeys.CAROL, lines.getFirst());
        assertTrue(lines.get(1).endsWith(" sortie:bob"));
    }

    @Test
    void listSaysWhenALineWentMissing() throws Exception {
        keys.add("alice", TestKeys.ALICE, new KeyRights(List.of("shop"), false, false));
        Files.writeString(authorizedKeys, "");
        assertFalse(keys.list().getFirst().inFile());
    }

    @Test
    void refusesBadNamesUnknownAppsNoRightsAndOneKeyUnderTwoNames() throws Exception {
        assertRefused(() -> keys.add("-rf", TestKeys.ALICE, new KeyRights(List.of("shop"), false, false)), "invalid key name \"-rf\"");
        assertRefused(() -> keys.add("a b", TestKeys.ALICE, new KeyRights(List.of("shop"), false, false)), "invalid key name");
        assertRefused(() -> keys.add("alice", TestKeys.ALICE, new KeyRights(List.of("shop", "nope", "Bad"), false, false)),
                "no app named nope, Bad (see: sortie apps list");
        assertRefused(() -> keys.add("alice", TestKeys.ALICE, new KeyRights(List.of(), false, false)), "say what key alice may do");
        assertRefused(() -> keys.add("alice", "command=\"sh\" " + TestKeys.ALICE, new KeyRights(List.of(), true, false)),
                "options are not accepted");
        keys.add("alice", TestKeys.ALICE, new KeyRights(List.of("shop"), false, false));
        assertRefused(() -> keys.add("alice2", TestKeys.ALICE, new KeyRights(List.of("shop"), false, false)),
                "this key is already added as alice");
        assertEquals(1, Files.readAllLines(authorizedKeys).size());
    }

    @Test
    void forcedCommandQuotesForTheShell() {
        assertEquals("SORTIE_HOME='" + home.root() + "' /opt/sortie/bin/sortie ssh-shell alice", keys.forcedCommand("alice"));
        assertEquals("'/usr/lib/jvm/x y/bin/java' -cp /a.jar:/b.jar 'it'\\''s'", String.join(" ",
                List.of("/usr/lib/jvm/x y/bin/java", "-cp", "/a.jar:/b.jar", "it's").stream().map(SshKeys::shellQuote).toList()));
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable add, String expected) {
        ConfigException e = assertThrows(ConfigException.class, add);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
