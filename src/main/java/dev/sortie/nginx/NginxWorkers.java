package dev.sortie.nginx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tells when an nginx reload has taken over, from the processes themselves rather than from timing. On a reload the master
 * starts new workers, waits about 100ms, then tells the old ones to quit; an old worker then sets its title to
 * {@code nginx: worker process is shutting down} and, in the same step, closes its listening sockets. So once every worker
 * that was there before the reload has exited or shows that title, and the master has a worker of its own that was not there
 * before, every new connection is accepted by a worker that runs the new config. Old workers may still be finishing their
 * in-flight (keep-alive) requests: they no longer accept.
 * Linux: reads {@code /proc/PID/cmdline}.
 */
final class NginxWorkers {

    /** What a child of the master is, by its process title. */
    enum Role {
        /** A worker that accepts connections. */
        WORKER,
        /** A worker of an older config that has closed its listening sockets and finishes its requests. */
        SHUTTING_DOWN,
        /** The cache manager or loader: accepts nothing. */
        HELPER,
        /** Not a worker yet: just forked, it still carries the master's title. */
        STARTING,
        /** Exited (or a zombie waiting for the master to reap it). */
        GONE
    }

    /** The master's children before a reload; {@code master} is empty when nginx was not running. */
    record Snapshot(Optional<Long> master, Set<ProcessHandle> children) {
        static final Snapshot NONE = new Snapshot(Optional.empty(), Set.of());
    }

    private NginxWorkers() {
    }

    /** The master's current children. */
    static Snapshot of(Optional<Long> master) {
        return new Snapshot(master, master.map(pid -> ProcessHandle.of(pid).map(m -> m.children().collect(Collectors.toSet()))
                .orElse(Set.<ProcessHandle>of())).orElse(Set.of()));
    }

    /**
     * Whether the reload that followed {@code before} has taken over under {@code master}: empty when it has, else what it
     * is still waiting for.
     */
    static Optional<String> waitingFor(Snapshot before, Optional<Long> master) {
        List<String> waiting = new ArrayList<>();
        if (master.isEmpty()) {
            return Optional.of("no nginx master running");
        }
        boolean fresh = ProcessHandle.of(master.get()).stream().flatMap(ProcessHandle::children)
                .anyMatch(child -> !before.children().contains(child) && role(child.pid()) == Role.WORKER);
        if (!fresh) {
            waiting.add("master " + master.get() + " has no new worker yet");
        }
        for (ProcessHandle old : before.children()) {
            Role role = old.isAlive() ? role(old.pid()) : Role.GONE;
            if (role == Role.WORKER || role == Role.STARTING) {
                waiting.add("worker " + old.pid() + " from before the reload still accepts");
            }
        }
        return waiting.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", waiting));
    }

    static Role role(long pid) {
        try {
            return role(title(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))));
        } catch (IOException e) {
            return Role.GONE;
        }
    }

    /** The process title in a {@code /proc/PID/cmdline}: nginx writes it over argv[0] and pads it with NULs. */
    static String title(byte[] cmdline) {
        int end = 0;
        while (end < cmdline.length && cmdline[end] != 0) {
            end++;
        }
        return new String(cmdline, 0, end, StandardCharsets.UTF_8).strip();
    }

    static Role role(String title) {
        return switch (title) {
            case "" -> Role.GONE;
            case "nginx: worker process" -> Role.WORKER;
            case "nginx: worker process is shutting down" -> Role.SHUTTING_DOWN;
            case "nginx: cache manager process", "nginx: cache loader process" -> Role.HELPER;
            default -> Role.STARTING;
        };
    }
}
