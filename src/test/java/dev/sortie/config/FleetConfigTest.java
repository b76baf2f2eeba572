package dev.sortie.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's {@code fleet:} section: hosts, rolling, identity and known_hosts; hostile targets refused, every mistake at once. */
class FleetConfigTest {

    private static final String SRC = "/home/sortie/sortie.yml";

    private static List<String> problemsOf(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parseServer(yaml, SRC)).problems();
    }

    @Test
    void noSectionMeansNoFleet() {
        assertFalse(ConfigLoader.parseServer("drain: 1s\n", SRC).fleet().enabled());
        assertEquals(FleetConfig.NONE, ServerConfig.defaults().fleet());
    }

    @Test
    void everyKey() {
        FleetConfig f = ConfigLoader.parseServer("""
                fleet:
                  hosts:
                    - {name: web1, ssh: sortie@10.0.0.11}
                    - {name: web2, ssh: "deploy@web2.example.com:2222"}
                    - {name: web3, ssh: 10.0.0.13}
                  rolling: {batch: 2, pause: 1.5s}
                  identity: /home/sortie/.ssh/fleet
                  known_hosts: /home/sortie/.ssh/fleet_known_hosts
                  balancer: false
                """, SRC).fleet();
        assertEquals(List.of(new FleetConfig.Host("web1", "sortie", "10.0.0.11", null),
                new FleetConfig.Host("web2", "deploy", "web2.example.com", 2222),
                new FleetConfig.Host("web3", null, "10.0.0.13", null)), f.hosts());
        assertEquals(new FleetConfig.Rolling(2, Duration.ofMillis(1500)), f.rolling());
        assertEquals("/home/sortie/.ssh/fleet", f.identity());
        assertEquals("/home/sortie/.ssh/fleet_known_hosts", f.knownHosts());
        assertEquals("deploy@web2.example.com:2222", f.hosts().get(1).ssh());
        assertEquals("deploy@web2.example.com", f.hosts().get(1).destination());
    }

    @Test
    void rollingDefaults() {
        FleetConfig f = ConfigLoader.parseServer("fleet: {hosts: [{name: a, ssh: h}]}\n", SRC).fleet();
        assertEquals(1, f.rolling().batch());
        assertEquals(Duration.ofSeconds(5), f.rolling().pause());
        assertEquals(null, f.identity());
    }

    @Test
    void everyMistakeAtOnceWithKeyPaths() {
        List<String> problems = problemsOf("""
                fleet:
                  hosts:
                    - {name: web1, ssh: "-oProxyCommand=touch /tmp/x"}
                    - {name: "Web 2", ssh: "a@b;rm"}
                    - {name: web1, ssh: "sortie@10.0.0.13:99999"}
                    - {nmae: web4, ssh: h4}
                    - {name: web5, ssh: h5}
                    - {name: web5, ssh: h6}
                  rolling: {batch: 0, pause: soon}
                  identity: keys/fleet
                  knwon_hosts: /x
                  balancer: true
                """);
        String all = String.join("\n", problems);
        assertTrue(all.contains("fleet.hosts[0].ssh: \"-oProxyCommand=touch /tmp/x\" is not an SSH target"), all);
        assertTrue(all.contains("fleet.hosts[1].name: \"Web 2\" is not a host name here"), all);
        assertTrue(all.contains("fleet.hosts[1].ssh: \"a@b;rm\" is not an SSH target"), all);
        assertTrue(all.contains("fleet.hosts[2].ssh: 99999 is not a port number"), all);
        assertTrue(all.contains("fleet.hosts[3].nmae: unknown key (did you mean name?)"), all);
        assertTrue(all.contains("fleet.hosts[3].name: missing"), all);
        assertTrue(all.contains("fleet.hosts[5].name: \"web5\" names another host already"), all);
        assertTrue(all.contains("fleet.rolling.batch: "), all);
        assertTrue(all.contains("fleet.rolling.pause: "), all);
        assertTrue(all.contains("fleet.identity: must be the absolute path of an SSH private key"), all);
        assertTrue(all.contains("fleet.knwon_hosts: unknown key (did you mean known_hosts?)"), all);
        assertTrue(all.contains("fleet.balancer: the front balancer is not built yet"), all);
        assertEquals(12, problems.size(), all);
    }

    @Test
    void aFleetNeedsHosts() {
        assertTrue(String.join("\n", problemsOf("fleet: {rolling: {batch: 1}}\n")).contains("fleet.hosts: missing"));
        assertTrue(String.join("\n", problemsOf("fleet: {hosts: []}\n")).contains("fleet.hosts: empty"));
        assertTrue(String.join("\n", problemsOf("fleet: {hosts: web1}\n")).contains("fleet.hosts: expected a list"));
    }
}
