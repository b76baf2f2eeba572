package dev.sortie.bots.metrics;

import java.io.IOException;

/**
 * Where a run's metrics go (the interval log, later a remote coordinator): {@link RunMetrics} hands
 * each sink one {@link Interval} a second on its own thread, then closes it when the run ends.
 * Sinks that need every action run as it happens implement {@link ActionSink} as well.
 */
public interface MetricsSink extends AutoCloseable {

    /** One interval of the run, in order, on the metrics thread (never on a bot's thread). */
    default void interval(Interval interval) throws IOException {
    }

    /** The run has ended and its last interval was delivered: write what is left. */
    @Override
    default void close() throws IOException {
    }
}
