package dev.sortie.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.FleetConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What ssh's exit code and output say about a host (the real ssh runs in FleetE2ETest). */
class FleetCheckTest {

    private static final FleetConfig.Host WEB1 = new FleetConfig.Host("web1", "sortie", "10.0.0.11", null);
    private static final FleetConfig FLEET = new FleetConfig(List.of(WEB1), null, null, "/k/known_hosts", false);

    private static String refusal(int exit, String... lines) {
        FleetCheck.Result r = FleetCheck.classify(WEB1, FLEET, new RemoteRun.Ran(exit, List.of(lines), null), "1.2.0");
        return assertInstanceOf(FleetCheck.Refused.class, r).line();
    }

    @Test
    void theSameVersionIsReady() {
        FleetCheck.Result r = FleetCheck.classify(WEB1, FLEET, new RemoteRun.Ran(0, List.of("sortie 1.2.0 (Java 21.0.5+11)"), null), "1.2.0");
        assertEquals(new FleetCheck.Ready(WEB1, "1.2.0"), r);
    }

    @Test
    void anotherVersion() {
        assertEquals("web1 (sortie@10.0.0.11): runs Sortie 1.1.0, this primary runs 1.2.0: install the same version on every host first",
                refusal(0, "sortie 1.1.0 (Java 21.0.5+11)"));
    }

    @Test
    void sortieMissing() {
        String line = refusal(127, "bash: line 1: sortie: command not found");
        assertTrue(line.startsWith("web1 (sortie@10.0.0.11): Sortie is missing there: sortie --version exited with 127"), line);
    }

    @Test
    void unreachable() {
        assertEquals("web1 (sortie@10.0.0.11): unreachable over SSH (ssh: ssh: connect to host 10.0.0.11 port 22: No route to host)",
                refusal(255, "ssh: connect to host 10.0.0.11 port 22: No route to host"));
        assertTrue(refusal(-1).contains("did not answer within 30s"));
    }

    @Test
    void hostKeys() {
        String changed = refusal(255, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
                "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @", "Host key verification failed.");
        assertTrue(changed.contains("its host key does not match /k/known_hosts"), changed);
        String unknown = refusal(255, "No ED25519 host key is known for 10.0.0.11 and you have requested strict checking.",
                "Host key verification failed.");
        assertTrue(unknown.contains("its host key is not in /k/known_hosts (ssh: No ED25519 host key is known"), unknown);
    }

    @Test
    void ourKeyRefused() {
        assertTrue(refusal(255, "sortie@10.0.0.11: Permission denied (publickey).").contains("refused our SSH key"));
        assertTrue(refusal(1, "sortie: refused for key bob: --version is not something").contains("give it --admin there"));
    }
}
