package dev.sortie.config;

import java.time.Duration;
import java.util.List;

/**
 * A primary server's {@code fleet:}: the hosts a push rolls out to over SSH, in batches.
 *
 * @param hosts      the hosts, in roll order; empty: no fleet (the server deploys to itself, as without the section)
 * @param rolling    how many hosts switch at once, and the pause between batches
 * @param identity   an SSH private key file for {@code ssh -i}; null: the user's own SSH configuration and agent
 * @param knownHosts a known_hosts file the host keys are checked against; null: the user's own
 * @param balancer   whether the primary's nginx balances over the hosts (not built yet: refused when true)
 */
public record FleetConfig(List<Host> hosts, Rolling rolling, String identity, String knownHosts, boolean balancer) {

    public static final FleetConfig NONE = new FleetConfig(List.of(), Rolling.DEFAULT, null, null, false);

    public FleetConfig {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        rolling = rolling == null ? Rolling.DEFAULT : rolling;
    }

    public boolean enabled() {
        return !hosts.isEmpty();
    }

    /**
     * One host of the fleet.
     *
     * @param name    what output and records call it ({@code web1})
     * @param user    the SSH user; null: ssh's default
     * @param address a host name or IP address
     * @param port    the SSH port; null: ssh's default (22, or the user's ssh config)
     */
    public record Host(String name, String user, String address, Integer port) {

        /** {@code user@address}, as ssh takes it (the port goes in {@code -p}). */
        public String destination() {
            return user == null ? address : user + "@" + address;
        }

        /** As the config wrote it: {@code sortie@10.0.0.11:2222}. */
        public String ssh() {
            return destination() + (port == null ? "" : ":" + port);
        }
    }

    /**
     * @param batch how many hosts switch at once (default 1)
     * @param pause how long to wait after a batch before the next one starts (default 5s)
     */
    public record Rolling(Integer batch, Duration pause) {

        public static final Rolling DEFAULT = new Rolling(null, null);

        public Rolling {
            batch = batch == null ? 1 : batch;
            pause = pause == null ? Duration.ofSeconds(5) : pause;
        }
    }
}
