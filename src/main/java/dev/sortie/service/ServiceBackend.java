package dev.sortie.service;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Starts, stops and lists app instances; the embedded supervisor is one backend, systemd will be another. */
public interface ServiceBackend {

    InstanceInfo start(InstanceSpec spec) throws IOException;

    /** Sends TERM, waits up to {@code timeout}, then KILLs. Returns once the instance is gone. */
    void stop(String app, String release, Duration timeout) throws IOException;

    /**
     * Stops an instance later, without waiting: after {@code drain} (time for requests still in flight
     * to finish), then as {@link #stop}. Used for the old release once traffic has moved.
     */
    void retire(String app, String release, Duration drain, Duration timeout) throws IOException;

    /**
     * Takes a retiring instance (a standby) back into service as an instance of release {@code to}: its stop is
     * called off and its record renamed, and the same process keeps running. Empty when there is no such
     * instance, or its stop has already begun.
     */
    default Optional<InstanceInfo> takeOver(String app, String from, String to) throws IOException {
        return Optional.empty();
    }

    List<InstanceInfo> list() throws IOException;

    default Optional<InstanceInfo> find(String app, String release) throws IOException {
        return list().stream().filter(i -> i.app().equals(app) && i.release().equals(release)).findFirst();
    }
}
