package dev.sortie.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PrivilegesTest {

    @Test
    void theEffectiveMaskIsReadFromTheStatusFile() {
        assertEquals(0xebL, Privileges.parse(List.of("Name:\tjava", "CapInh:\t00000000000000eb", "CapEff:\t00000000000000eb")));
        assertEquals(0x1ffffffffffL, Privileges.parse(List.of("CapEff:\t000001ffffffffff")));
        assertEquals(0, Privileges.parse(List.of("Name:\tjava")), "no line: no capabilities");
        assertEquals(992, Privileges.gidOf(List.of("Uid:\t993\t993\t993\t993", "Gid:\t992\t0\t992\t992")), "the real gid");
        assertEquals(-1, Privileges.gidOf(List.of()));
    }

    @Test
    void theAppUsersSetNeedsEveryOneOfItsCapabilities() {
        long appUsers = 0xebL; // chown, dac_override, fowner, kill, setgid, setuid: what the unit grants
        assertTrue(Privileges.has(appUsers, Privileges.CHOWN, Privileges.DAC_OVERRIDE, Privileges.FOWNER, Privileges.KILL,
                Privileges.SETGID, Privileges.SETUID));
        assertFalse(Privileges.has(appUsers & ~(1L << Privileges.KILL), Privileges.KILL), "without kill it cannot stop an app's processes");
        assertFalse(Privileges.has(1L << 10, Privileges.CHOWN), "net_bind_service alone is not enough");
    }
}
