package dev.sortie.service;

import java.time.Instant;

/**
 * What the supervisor knows of one instance right now.
 *
 * @param state    {@code starting} (being launched), {@code running}, {@code restarting} (crashed, waiting out its backoff), {@code stopping}
 * @param restarts how many times it was restarted after crashing
 * @param lastExit the exit code of its last crash, or null
 * @param stopAt   when stopping: when its drain (or standby) ends and it gets TERM; null otherwise
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
        Integer lastExit,
        Instant stopAt) {

    public InstanceInfo(String app, String release, int port, long pid, String state, int restarts, Instant startedAt, String logFile,
            Integer lastExit) {
        this(app, release, port, pid, state, restarts, startedAt, logFile, lastExit, null);
    }

    public static final String STARTING = "starting";
    public static final String RUNNING = "running";
    public static final String RESTARTING = "restarting";
    public static final String STOPPING = "stopping";

    /** Between a release id and an instance's number in the names of a release's second and later instances. */
    public static final char INDEX = '~';

    /** The name the supervisor knows the {@code index}th (from 1) instance of a release by: the release id for the first. */
    public static String name(String release, int index) {
        return index <= 1 ? release : release + INDEX + index;
    }

    /** The release an instance name belongs to. */
    public static String releaseOf(String name) {
        int at = name.indexOf(INDEX);
        return at < 0 ? name : name.substring(0, at);
    }

    /** The release this instance runs ({@link #release()} is its name, which numbers a release's second and later instances). */
    public String releaseId() {
        return releaseOf(release);
    }
}
