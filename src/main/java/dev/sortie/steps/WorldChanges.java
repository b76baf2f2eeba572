package dev.sortie.steps;

import java.io.IOException;
import java.util.List;

/**
 * Where a step says, durably, what it is about to change in the world, before it changes it: the
 * deploy's journal. If the deploy dies, a reconcile reads these intents and undoes what they name.
 */
public interface WorldChanges {

    /**
     * An instance of {@code release} is about to start on {@code port}, running {@code run} (as shown: config values
     * masked), which is {@code command} with its variables expanded; or, with {@code adopted}, the running standby
     * instance of that release is about to be taken over.
     */
    void startingInstance(String release, int port, List<String> run, List<String> command, String adopted) throws IOException;

    /** The app's nginx site is about to point at {@code release}; {@code previousSite} (null: none) and {@code previousRelease} are what to put back. */
    void switchingNginx(String release, String previousSite, String previousRelease) throws IOException;

    /** Nothing to record: for tests of steps that change nothing. */
    WorldChanges NONE = new WorldChanges() {
        @Override
        public void startingInstance(String release, int port, List<String> run, List<String> command, String adopted) {
        }

        @Override
        public void switchingNginx(String release, String previousSite, String previousRelease) {
        }
    };
}
