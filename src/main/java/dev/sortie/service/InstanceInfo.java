package dev.sortie.service;

import java.time.Instant;

/**
 * What the supervisor knows of one instance right now.
 *
 * @param state    {@code starting} (being launched), {@code running}, {@code restarting} (crashed, waiting out its backoff), {@code stopping}
 * @param restarts how many times it was restarted after crashing
 * @param lastExit the exit code of its last crash, or null
 */
public record InstanceInfo(
        String app,
        String release,
        int port,
        long pid,
        String state,
        int restarts,
        Instant startedAt,
        String logFile,
        Integer lastExit) {

    public static final String STARTING = "starting";
    public static final String RUNNING = "running";
    public static final String RESTARTING = "restarting";
    public static final String STOPPING = "stopping";
}
