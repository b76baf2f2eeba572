package dev.sortie.service;

/**
 * When app instance logs are rotated (by copy-truncate: {@link RotatingLog}): past {@code maxBytes}, keeping
 * {@code keep} older files ({@code <name>.1} the newest of them) beside the live one.
 */
public record LogRotation(long maxBytes, int keep) {

    public static final LogRotation DEFAULT = new LogRotation(10L * 1024 * 1024, 3);

    public LogRotation {
        if (maxBytes < 1 || keep < 0) {
            throw new IllegalArgumentException("a log rotates at 1 byte or more and keeps 0 or more files, not " + maxBytes + " and " + keep);
        }
    }
}
