package dev.sortie.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ConfigException;
import org.junit.jupiter.api.Test;

class PublicKeyTest {

    @Test
    void readsEachKeyTypeAndDropsTheComment() {
        PublicKey alice = PublicKey.parse(TestKeys.ALICE + "\n");
        assertEquals("ssh-ed25519", alice.type());
        assertEquals(TestKeys.ALICE.substring(0, TestKeys.ALICE.lastIndexOf(' ')), alice.text());
        assertEquals("ecdsa-sha2-nistp256", PublicKey.parse(TestKeys.BOB).type());
        assertEquals("ssh-rsa", PublicKey.parse("\n  " + TestKeys.CAROL + "  \n\n").type());
    }

    @Test
    void fingerprintsAreThoseSshKeygenShows() {
        assertEquals(TestKeys.ALICE_FINGERPRINT, PublicKey.parse(TestKeys.ALICE).fingerprint());
        assertEquals(TestKeys.BOB_FINGERPRINT, PublicKey.parse(TestKeys.BOB).fingerprint());
        assertEquals(TestKeys.CAROL_FINGERPRINT, PublicKey.parse(TestKeys.CAROL).fingerprint());
    }

    @Test
    void refusesOptionsSeveralKeysAndWhatIsNotAKey() {
        assertRefused("", "got nothing");
        assertRefused(TestKeys.ALICE + "\n" + TestKeys.BOB + "\n", "expected one public key, got 2 lines");
        assertRefused("command=\"sh\" " + TestKeys.ALICE, "authorized_keys options are not accepted");
        assertRefused("no-pty " + TestKeys.ALICE, "got \"no-pty\"");
        assertRefused("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "ssh-dss (DSA) keys are not accepted");
        assertRefused("ssh-ed25519", "no key data");
        assertRefused("ssh-ed25519 not*base64", "not base64");
        // an ed25519 type in front of RSA key data
        assertRefused("ssh-ed25519 " + TestKeys.CAROL.split(" ")[1], "its data is a ssh-rsa key");
        assertRefused("ssh-rsa AAAA", "not an SSH key");
    }

    private static void assertRefused(String input, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> PublicKey.parse(input));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
