package dev.sortie.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sortie.config.FleetConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ssh argv of a fleet command: exact, with the fleet's keys when it names them, and no word a remote shell could split. */
class SshArgvTest {

    private static final FleetConfig.Host WEB1 = new FleetConfig.Host("web1", "sortie", "10.0.0.11", null);

    @Test
    void theUsersOwnSshSetupWhenTheFleetNamesNoKeys() {
        FleetConfig fleet = new FleetConfig(List.of(WEB1), null, null, null, false);
        assertEquals(List.of("ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=10",
                "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4", "--", "sortie@10.0.0.11", "--version"),
                SshArgv.ssh(fleet, WEB1, List.of("--version")));
    }

    @Test
    void identityKnownHostsAndPort() {
        FleetConfig.Host web2 = new FleetConfig.Host("web2", null, "web2.example.com", 2222);
        FleetConfig fleet = new FleetConfig(List.of(web2), null, "/keys/fleet", "/keys/known_hosts", false);
        assertEquals(List.of("ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=10",
                "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4", "-i", "/keys/fleet", "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=/keys/known_hosts", "-o", "GlobalKnownHostsFile=/dev/null", "-p", "2222", "--",
                "web2.example.com", "fleet", "receive", "shop", "20261202-120000-abcdef0"),
                SshArgv.ssh(fleet, web2, List.of("fleet", "receive", "shop", "20261202-120000-abcdef0")));
    }

    @Test
    void aWordARemoteShellWouldSplitIsRefused() {
        FleetConfig fleet = new FleetConfig(List.of(WEB1), null, null, null, false);
        for (String word : List.of("a b", "a;b", "$(x)", "`x`", "a'b", "", "a\nb", "*")) {
            assertThrows(IllegalArgumentException.class, () -> SshArgv.ssh(fleet, WEB1, List.of("rollback", word)), word);
        }
    }
}
