package dev.sortie.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ssh:} in the server's sortie.yml. */
class SshConfigTest {

    private static final String SRC = "/home/sortie/sortie.yml";

    @Test
    void authorizedKeysIsAnAbsolutePath() {
        assertNull(ConfigLoader.parseServer("drain: 1s\n", SRC).ssh().authorizedKeys());
        assertEquals("/srv/ssh/authorized_keys",
                ConfigLoader.parseServer("ssh: {authorized_keys: /srv/ssh/authorized_keys}\n", SRC).ssh().authorizedKeys());
    }

    @Test
    void mistakes() {
        assertEquals(List.of(SRC + ": ssh.authorized_keys: must be an absolute path (e.g. /home/sortie/.ssh/authorized_keys), got \"keys\""),
                problemsOf("ssh: {authorized_keys: keys}\n"));
        assertEquals(List.of(SRC + ": ssh.authorized_key: unknown key (did you mean authorized_keys?); known keys here: authorized_keys"),
                problemsOf("ssh: {authorized_key: /x}\n"));
        assertEquals(List.of(SRC + ": ssh: expected a mapping of keys (authorized_keys), got text \"on\""), problemsOf("ssh: \"on\"\n"));
    }

    private static List<String> problemsOf(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parseServer(yaml, SRC)).problems();
    }
}
