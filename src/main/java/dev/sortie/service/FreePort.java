package dev.sortie.service;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks a port no one listens on, for a new instance, by letting the kernel choose one. */
public final class FreePort {

    private FreePort() {
    }

    public static int pick() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
