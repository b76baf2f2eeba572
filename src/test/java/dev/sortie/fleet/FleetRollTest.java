package dev.sortie.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sortie.config.FleetConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batches, and what a host's {@code fleet deploy} run says (the real roll runs in FleetE2ETest). */
class FleetRollTest {

    private static FleetConfig.Host host(int i) {
        return new FleetConfig.Host("web" + i, null, "10.0.0." + i, null);
    }

    @Test
    void batchesKeepTheHostsOrderAndTheLastMayBeShort() {
        List<FleetConfig.Host> five = List.of(host(1), host(2), host(3), host(4), host(5));
        assertEquals(List.of(List.of(host(1), host(2)), List.of(host(3), host(4)), List.of(host(5))), FleetRoll.batches(five, 2));
        assertEquals(List.of(five), FleetRoll.batches(five, 10));
        assertEquals(5, FleetRoll.batches(five, 1).size());
    }

    @Test
    void aHostsResultLineDecides() throws Exception {
        ObjectMapper json = new ObjectMapper();
        RemoteRun.Ran ok = new RemoteRun.Ran(0, List.of(), null);
        assertEquals(new FleetRoll.HostOutcome("web1", "10.0.0.1", "live", "R1", null, null, "R0"),
                FleetRoll.hostOutcome(host(1), ok, json.readTree("{\"outcome\":\"live\",\"release\":\"R1\",\"previous\":\"R0\"}")));
        assertEquals(List.of("rollback", "shop", "R0"), FleetRoll.revertCommand("shop", "R0"));
        assertEquals(List.of("stop", "shop"), FleetRoll.revertCommand("shop", null));
        assertEquals(new FleetRoll.HostOutcome("web1", "10.0.0.1", "failed", "R1", "upgrade_service", "GET /health answered 500"),
                FleetRoll.hostOutcome(host(1), new RemoteRun.Ran(1, List.of(), null), json.readTree(
                        "{\"outcome\":\"failed\",\"release\":\"R1\",\"step\":\"upgrade_service\",\"reason\":\"GET /health answered 500\"}")));
        // no result line: the connection or the command failed, and the outcome says which
        assertEquals("the SSH connection failed: Connection closed by 10.0.0.1 port 22",
                FleetRoll.hostOutcome(host(1), new RemoteRun.Ran(255, List.of("Connection closed by 10.0.0.1 port 22"), null), null).reason());
        assertEquals("failed", FleetRoll.hostOutcome(host(1), ok, null).outcome());
    }
}
