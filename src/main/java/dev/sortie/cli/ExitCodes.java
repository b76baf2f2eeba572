package dev.sortie.cli;

/** The few exit codes {@code sortie} uses, so scripts can tell failures apart. */
public final class ExitCodes {

    /** Done. */
    public static final int OK = 0;
    /** A deploy (or another operation) ran and failed. */
    public static final int FAILED = 1;
    /** The command line was wrong (picocli's own code). */
    public static final int USAGE = 2;
    /** Bad configuration or input: sortie.yml, an app name, a domain. */
    public static final int CONFIG = 3;
    /** Something Sortie needs is missing or not running: an app, the server, nginx. */
    public static final int UNAVAILABLE = 4;

    private ExitCodes() {
    }
}
