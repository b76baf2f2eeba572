package dev.sortie.service;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The TCP ports a process and its descendants listen on, read from Linux's {@code /proc}: the socket inodes among each
 * process's open files, matched against the listening sockets of {@code /proc/PID/net/tcp} and {@code tcp6}. Tells a
 * failed health check why: the app listens, but not on {@code PORT}.
 */
public final class ListeningPorts {

    private static final Path PROC = Path.of("/proc");
    /** The state column of a listening socket in {@code /proc/net/tcp}. */
    private static final String LISTEN = "0A";

    private ListeningPorts() {
    }

    /** The ports {@code pid} or any process below it listens on; empty when there are none or {@code /proc} cannot tell. */
    public static Set<Integer> of(long pid) {
        Set<Integer> ports = new TreeSet<>();
        List<Long> pids = Stream.concat(Stream.of(pid), ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                .map(ProcessHandle::pid)).toList();
        for (long p : pids) {
            Set<Long> inodes = socketInodes(p);
            if (inodes.isEmpty()) {
                continue;
            }
            Map<Long, Integer> listening = new HashMap<>();
            for (String table : List.of("tcp", "tcp6")) {
                try {
                    listening.putAll(listeningByInode(Files.readAllLines(PROC.resolve(p + "/net/" + table))));
                } catch (IOException e) {
                    // the process is gone, or has no IPv6
                }
            }
            inodes.stream().map(listening::get).filter(port -> port != null).forEach(ports::add);
        }
        return ports;
    }

    /**
     * What to tell the user when an instance never answered on {@code expected}: empty unless it listens elsewhere.
     * For Spring Boot (port 8080 by default), says how to pass the port.
     */
    public static Optional<String> hint(Set<Integer> ports, int expected) {
        if (ports.isEmpty() || ports.contains(expected)) {
            return Optional.empty();
        }
        return Optional.of("it listens on " + ports.stream().sorted().map(String::valueOf).collect(Collectors.joining(", "))
                + ", not on PORT=" + expected + "; make it listen on $PORT (for Spring Boot add --server.port=$PORT to run:)");
    }

    /** Listening sockets in the lines of a {@code /proc/PID/net/tcp} table: inode to local port. */
    static Map<Long, Integer> listeningByInode(List<String> lines) {
        Map<Long, Integer> ports = new HashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            if (f.length < 10 || !f[3].equals(LISTEN) || !f[1].contains(":")) {
                continue;
            }
            try {
                int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                ports.put(Long.parseLong(f[9]), port);
            } catch (NumberFormatException e) {
                // the header line, or a format this does not know
            }
        }
        return ports;
    }

    private static Set<Long> socketInodes(long pid) {
        Set<Long> inodes = new TreeSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        inodes.add(Long.parseLong(target.substring("socket:[".length(), target.length() - 1)));
                    }
                } catch (IOException | NumberFormatException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // gone, or not ours to read
        }
        return inodes;
    }
}
