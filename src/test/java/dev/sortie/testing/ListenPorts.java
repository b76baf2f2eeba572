package dev.sortie.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free loopback port for a listener a test starts later (nginx, sshd), taken below the kernel's ephemeral range:
 * a port from {@code new ServerSocket(0)} is one the kernel may hand an app instance (Sortie starts them on port 0)
 * before that listener binds it.
 */
public final class ListenPorts {

    private static final int FROM = 20000;

    private ListenPorts() {
    }

    public static int free() throws IOException {
        int below = ephemeralStart();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = FROM + ThreadLocalRandom.current().nextInt(below - FROM);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // another test's: try the next
            }
        }
        throw new IOException("no free port in " + FROM + "-" + below);
    }

    private static int ephemeralStart() {
        try {
            int low = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
            return low > FROM + 1000 ? low : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
