package dev.sortie.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the server config's {@code fleet:} section. A host's name and SSH target go into argv and output, so they are
 * checked strictly: a target that starts with {@code -} (which ssh would read as an option) or holds a space, a quote
 * or a shell character is refused, as is a name used twice.
 */
final class FleetConfigReader {

    static final List<String> KEYS = List.of("hosts", "rolling", "identity", "known_hosts", "balancer");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,30}");
    /** {@code [user@]host[:port]}: a login name, a DNS name or IPv4 address, a port. */
    private static final Pattern TARGET = Pattern.compile("(?:([a-z_][a-z0-9_.-]{0,31})@)?([A-Za-z0-9][A-Za-z0-9.-]{0,252})(?::(\\d{1,5}))?");

    private FleetConfigReader() {
    }

    static FleetConfig read(ConfigSection top) {
        if (!top.has("fleet")) {
            return FleetConfig.NONE;
        }
        ConfigSection fleet = top.section("fleet", KEYS);
        List<FleetConfig.Host> hosts = new ArrayList<>();
        List<ConfigSection> items = fleet.sections("hosts", List.of("name", "ssh"), "[{name: web1, ssh: sortie@10.0.0.11}]");
        if (items == null) {
            fleet.problem("hosts", "missing: a fleet needs its hosts, e.g. hosts: [{name: web1, ssh: sortie@10.0.0.11}]");
        } else {
            if (items.isEmpty()) {
                fleet.problem("hosts", "empty: name at least one host, e.g. [{name: web1, ssh: sortie@10.0.0.11}], or remove fleet:");
            }
            Set<String> names = new HashSet<>();
            Set<String> targets = new HashSet<>();
            for (ConfigSection item : items) {
                FleetConfig.Host host = host(item);
                if (host == null) {
                    continue;
                }
                if (!names.add(host.name())) {
                    item.problem("name", Quote.of(host.name()) + " names another host already: each host needs a name of its own");
                } else if (!targets.add(host.ssh())) {
                    item.problem("ssh", host.ssh() + " is another host's target already: list each host once");
                } else {
                    hosts.add(host);
                }
            }
        }
        ConfigSection rolling = fleet.section("rolling", List.of("batch", "pause"));
        String identity = absolute(fleet, "identity", "an SSH private key");
        String knownHosts = absolute(fleet, "known_hosts", "a known_hosts file");
        Boolean balancer = fleet.bool("balancer");
        if (Boolean.TRUE.equals(balancer)) {
            fleet.problem("balancer", "the front balancer is not built yet: leave it off, and balance over the hosts with your own load"
                    + " balancer (see the README's \"A fleet\")");
            balancer = false;
        }
        return new FleetConfig(hosts, new FleetConfig.Rolling(rolling.integer("batch", 1, 1000), rolling.duration("pause")), identity,
                knownHosts, balancer != null && balancer);
    }

    private static FleetConfig.Host host(ConfigSection item) {
        String name = item.string("name");
        String ssh = item.string("ssh");
        boolean ok = true;
        if (name == null) {
            if (!item.has("name")) {
                item.problem("name", "missing: each host needs a name (e.g. web1)");
            }
            ok = false;
        } else if (!NAME.matcher(name).matches()) {
            item.problem("name", Quote.of(name) + " is not a host name here: lowercase letters, digits and -, at most 31, e.g. web1");
            ok = false;
        }
        if (ssh == null) {
            if (!item.has("ssh")) {
                item.problem("ssh", "missing: each host needs its SSH target, e.g. sortie@10.0.0.11");
            }
            return null;
        }
        Matcher m = TARGET.matcher(ssh);
        if (!m.matches() || m.group(2).startsWith("-") || m.group(2).endsWith(".") && m.group(2).length() == 1) {
            item.problem("ssh", Quote.of(ssh) + " is not an SSH target: [USER@]HOST[:PORT], e.g. sortie@10.0.0.11 or sortie@web1.example.com:2222");
            return null;
        }
        Integer port = null;
        if (m.group(3) != null) {
            port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                item.problem("ssh", port + " is not a port number (1-65535) in " + Quote.of(ssh));
                return null;
            }
        }
        return ok ? new FleetConfig.Host(name, m.group(1), m.group(2), port) : null;
    }

    private static String absolute(ConfigSection fleet, String key, String what) {
        String path = fleet.string(key);
        if (path != null && (!path.startsWith("/") || path.chars().anyMatch(c -> c < 0x20))) {
            fleet.problem(key, "must be the absolute path of " + what + ", got " + Quote.of(path));
            return null;
        }
        return path;
    }
}
