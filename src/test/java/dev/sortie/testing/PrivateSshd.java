package dev.sortie.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real OpenSSH sshd of the test's own: its own host key and config, on a free loopback port, reading
 * the authorized_keys file the test names. Nothing of the machine's own SSH setup is read or changed.
 */
public final class PrivateSshd implements AutoCloseable {

    public final Path dir;
    public final int port;
    public final Path log;
    public final String address;
    /** The host's private key; its {@code .pub} beside it is what a known_hosts line holds. */
    public final Path hostKey;
    public final String user = System.getProperty("user.name");
    private final Path knownHosts;
    private final Process sshd;

    public PrivateSshd(Path dir, Path authorizedKeys) throws IOException, InterruptedException {
        this(dir, authorizedKeys, List.of(), "127.0.0.1", 0);
    }

    /**
     * An sshd started with {@code prefix} before its argv (e.g. {@code ip netns exec NS}), listening on {@code address}:{@code port}
     * (0: a free loopback port).
     */
    public PrivateSshd(Path dir, Path authorizedKeys, List<String> prefix, String address, int port) throws IOException, InterruptedException {
        this.address = address;
        String binary = Requirements.program("sshd", "openssh-server");
        Requirements.program("ssh", "openssh-client");
        this.dir = Files.createDirectories(dir);
        this.log = dir.resolve("sshd.log");
        this.knownHosts = dir.resolve("known_hosts");
        this.hostKey = dir.resolve("host_ed25519");
        keygen(hostKey);
        if (port == 0) {
            port = ListenPorts.free();
        }
        this.port = port;
        Path config = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port,
                "ListenAddress " + address,
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + authorizedKeys,
                "AllowUsers " + user,
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                // the keys live in a temporary directory under the world-writable /tmp
                "StrictModes no",
                "PermitUserEnvironment no",
                // allowed here, so that what refuses forwarding in the tests is the key line's restrict
                "AllowTcpForwarding yes",
                "AllowAgentForwarding yes",
                "X11Forwarding no",
                "PrintMotd no",
                "LogLevel VERBOSE",
                ""));
        // sshd's privilege separation needs this directory (made by the package's service, which nothing starts here)
        Files.createDirectories(Path.of("/run/sshd"));
        List<String> test = new ArrayList<>(prefix);
        test.addAll(List.of(binary, "-t", "-f", config.toString()));
        Proc.run(dir, Map.of(), 30, test).assertOk();
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of(binary, "-D", "-f", config.toString(), "-E", log.toString()));
        this.sshd = new ProcessBuilder(argv)
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.out").toFile()).start();
        Await.until("sshd listening on " + address + ":" + port, this::listening);
    }

    private boolean listening() {
        if (!sshd.isAlive()) {
            throw new AssertionError("sshd exited with " + sshd.exitValue() + ": " + read(dir.resolve("sshd.out")) + read(log));
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A new ed25519 key pair at {@code file} and {@code file.pub}. */
    public static Path keygen(Path file) throws IOException, InterruptedException {
        Proc.run(file.getParent(), Map.of(), 30, List.of(Requirements.program("ssh-keygen", "openssh-client"), "-q", "-t", "ed25519",
                "-N", "", "-C", file.getFileName().toString(), "-f", file.toString())).assertOk();
        return file;
    }

    /** {@code ssh} with only this key, this server's known-hosts file and no config of the machine's. */
    public List<String> ssh(Path key, boolean withPort) {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-i", key.toString(), "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none", "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "StrictHostKeyChecking=accept-new"));
        if (withPort) {
            argv.addAll(List.of("-p", String.valueOf(port)));
        }
        return argv;
    }

    /** GIT_SSH_COMMAND for pushes with {@code key}; with the port for scp-style remotes ({@code user@127.0.0.1:shop}). */
    public String gitSshCommand(Path key, boolean withPort) {
        return String.join(" ", ssh(key, withPort));
    }

    /** The processes sshd runs for its clients now (their sessions and what those run). */
    public java.util.stream.Stream<ProcessHandle> descendants() {
        return sshd.descendants();
    }

    public String log() {
        return read(log);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        sshd.destroy();
        sshd.waitFor();
    }
}
