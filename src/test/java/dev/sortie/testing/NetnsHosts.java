package dev.sortie.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet of test hosts on this machine: each host is a network namespace {@code sfleet-NAME} on the bridge
 * {@code sfleet-br} (10.77.0.1/24; host k at 10.77.0.(10+k); other names and subnet with {@code SORTIE_NETNS}, see
 * {@link #SET}), with its own OpenSSH sshd on port 22 of its address, its
 * own Sortie home, daemon and managed nginx, all run inside the namespace with {@code ip netns exec}. The primary (the
 * test's own Sortie, outside any namespace) reaches the hosts over the bridge. Every namespace and link is deleted by
 * {@link #close()}, and also first, so a run that was killed leaves nothing behind for the next. Needs root and iproute2.
 */
public final class NetnsHosts implements AutoCloseable {

    /**
     * Which set of names and addresses this run uses: {@code SORTIE_NETNS=N} (0-9, default 0) gives namespaces
     * {@code sfleetN-*} on 10.(77+N).0.0/24, so that two checkouts can run the fleet tier at once without deleting
     * each other's hosts. 0 keeps the plain {@code sfleet-} names.
     */
    public static final int SET = set();
    public static final String PREFIX = "sfleet" + (SET == 0 ? "" : String.valueOf(SET)) + "-";
    public static final String BRIDGE = PREFIX + "br";
    /** The first three octets of the hosts' network. */
    public static final String SUBNET = "10." + (77 + SET) + ".0";
    public static final String GATEWAY = SUBNET + ".1";
    /** The port each host's managed nginx listens on, inside its namespace. */
    public static final int NGINX_PORT = 19480;

    /** One host: its namespace, address, Sortie home and sshd. */
    public record Host(String name, String namespace, String address, Path dir, Path home, PrivateSshd sshd) {

        /** {@code ip netns exec NS} before an argv: the argv runs inside this host. */
        public List<String> inside(List<String> argv) {
            List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
            out.addAll(argv);
            return out;
        }

        /** What the primary's fleet config names it by, e.g. {@code root@10.77.0.11}. */
        public String sshTarget() {
            return sshd.user + "@" + address;
        }
    }

    private final Path root;
    private final Path sortie;
    private final List<Host> hosts = new ArrayList<>();

    /**
     * Makes {@code names.size()} hosts under {@code root}; each host's Sortie is {@code sortie} (an installed bin/sortie) and
     * lets in {@code adminKey} (a public key file) as the admin key {@code primary}.
     */
    public NetnsHosts(Path root, Path sortie, Path adminKey, List<String> names) throws IOException, InterruptedException {
        Requirements.program("ip", "iproute2");
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("the fleet tier makes network namespaces, which needs root: run ./test.sh fleet as root");
        }
        this.root = Files.createDirectories(root);
        this.sortie = sortie;
        cleanUp();
        boolean ok = false;
        try {
            ip("link", "add", BRIDGE, "type", "bridge");
            ip("addr", "add", GATEWAY + "/24", "dev", BRIDGE);
            ip("link", "set", BRIDGE, "up");
            for (int i = 0; i < names.size(); i++) {
                hosts.add(host(names.get(i), SUBNET + "." + (11 + i), adminKey));
            }
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    public Host host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no host " + name));
    }

    /** A known_hosts file holding every host's key under its address, for the primary's {@code fleet.known_hosts}. */
    public Path knownHosts(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Host h : hosts) {
            String pub = Files.readString(h.sshd().hostKey.resolveSibling(h.sshd().hostKey.getFileName() + ".pub")).strip();
            String[] words = pub.split(" ");
            sb.append(h.address()).append(' ').append(words[0]).append(' ').append(words[1]).append('\n');
        }
        Files.createDirectories(file.getParent());
        return Files.writeString(file, sb.toString());
    }

    private Host host(String name, String address, Path adminKey) throws IOException, InterruptedException {
        String ns = PREFIX + name;
        String veth = PREFIX + name; // the root side; inside, the peer is renamed eth0
        if (veth.length() > 15) {
            throw new IllegalArgumentException("host name too long for a link name: " + name);
        }
        ip("netns", "add", ns);
        // the peer is made inside the namespace as eth0 at once: no temporary name in the root namespace that two
        // runs (SORTIE_NETNS sets) could both want
        ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip("link", "set", veth, "master", BRIDGE);
        ip("link", "set", veth, "up");
        ip("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        ip("-n", ns, "link", "set", "eth0", "up");
        ip("-n", ns, "link", "set", "lo", "up");
        ip("-n", ns, "route", "add", "default", "via", GATEWAY);

        Path dir = Files.createDirectories(root.resolve(name));
        Path home = Files.createDirectories(dir.resolve("home"));
        Path authorizedKeys = dir.resolve("authorized_keys");
        Files.writeString(home.resolve("sortie.yml"), String.join("\n",
                "nginx: {listen: " + address + ", port: " + NGINX_PORT + "}",
                "drain: 1s",
                "stop_timeout: 5s",
                "ssh: {authorized_keys: " + authorizedKeys + "}",
                ""));
        Host partial = new Host(name, ns, address, dir, home, null);
        Proc.run(dir, Map.of("SORTIE_HOME", home.toString(), "KEY", adminKey.toString()), 120, partial.inside(List.of("sh", "-c",
                "exec \"$0\" ssh-keys add primary --admin < \"$KEY\"", sortie.toString()))).assertOk();
        PrivateSshd sshd = new PrivateSshd(dir.resolve("sshd"), authorizedKeys, partial.inside(List.of()), address, 22);
        Host host = new Host(name, ns, address, dir, home, sshd);
        sortie(host, "server", "start").assertOk();
        return host;
    }

    /** {@code sortie ARGS} run inside {@code host}, with its home. */
    public Proc.Result sortie(Host host, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(sortie.toString()));
        argv.addAll(List.of(args));
        return Proc.run(host.dir(), env(host), 300, host.inside(argv));
    }

    /** The environment a host's commands run with: its home, and the installed sortie on PATH. */
    public Map<String, String> env(Host host) {
        Map<String, String> env = new HashMap<>();
        env.put("SORTIE_HOME", host.home().toString());
        env.put("PATH", sortie.getParent() + ":" + System.getenv("PATH"));
        return env;
    }

    /** GET {@code path} of {@code app} through a host's nginx (curl with the app's Host header): its output ends with the status. */
    public Proc.Result curl(Host host, String hostHeader, String path) throws IOException, InterruptedException {
        return Proc.run(root, Map.of(), 30, List.of("curl", "-sS", "--max-time", "10", "-H", "Host: " + hostHeader, "-w", "\n%{http_code}",
                "http://" + host.address() + ":" + NGINX_PORT + path));
    }

    /** Deletes every namespace and link of this run's {@link #PREFIX}: what this fixture makes, and what a killed run left. */
    public static void cleanUp() throws IOException, InterruptedException {
        Path here = Path.of("").toAbsolutePath();
        String namespaces = Proc.run(here, Map.of(), 30, List.of("ip", "netns", "list")).output();
        for (String line : namespaces.split("\n")) {
            String ns = line.split(" ")[0];
            if (ns.startsWith(PREFIX)) {
                // whatever still runs inside (sshd, a daemon, nginx, apps) goes first, or the namespace outlives its name
                String pids = Proc.run(here, Map.of(), 30, List.of("ip", "netns", "pids", ns)).output();
                for (String pid : pids.split("\\s+")) {
                    if (pid.matches("\\d+")) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                Proc.run(here, Map.of(), 30, List.of("ip", "netns", "del", ns));
            }
        }
        String links = Proc.run(here, Map.of(), 30, List.of("ip", "-o", "link", "show")).output();
        for (String line : links.split("\n")) {
            String[] parts = line.split(": ");
            if (parts.length > 1) {
                String link = parts[1].split("@")[0];
                if (link.startsWith(PREFIX)) {
                    Proc.run(here, Map.of(), 30, List.of("ip", "link", "del", link));
                }
            }
        }
    }

    private static int set() {
        String v = System.getenv("SORTIE_NETNS");
        if (v == null || v.isBlank()) {
            return 0;
        }
        if (!v.matches("[0-9]")) {
            throw new IllegalStateException("SORTIE_NETNS must be one digit (0-9), got " + v);
        }
        return Integer.parseInt(v);
    }

    private void ip(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        Proc.run(root, Map.of(), 30, argv).assertOk();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Host h : hosts) {
            try {
                sortie(h, "server", "stop");
            } catch (AssertionError | IOException e) {
                // cleanUp below kills whatever is left in the namespace
            }
            h.sshd().close();
        }
        cleanUp();
    }
}
