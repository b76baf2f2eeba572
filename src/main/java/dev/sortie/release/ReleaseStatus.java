package dev.sortie.release;

import java.util.Locale;

/** What a release is now, computed from the records, {@code current}, the running instances and what was pruned. */
public enum ReleaseStatus {
    /** {@code current} points at it. */
    LIVE,
    /** The rollback target: live just before the live release, artifact still there. */
    PREVIOUS,
    /** Not live, but an instance still runs from it, without traffic. */
    STANDBY,
    /** Was live once; neither live, previous nor standby. */
    SUPERSEDED,
    /** Its deploy failed. */
    FAILED,
    /** Its artifact is gone (its record may remain, or only a tombstone). */
    PRUNED;

    /** As the CLI and release.json spell it: {@code live}, {@code previous}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
