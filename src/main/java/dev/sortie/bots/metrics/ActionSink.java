package dev.sortie.bots.metrics;

import dev.sortie.bots.tree.Outcome;

/** A sink that sees every action run (like {@code bot_run.log}), on the bot's thread: it must be cheap, e.g. an enqueue. */
public interface ActionSink extends MetricsSink {

    void actionRan(long botId, String action, Outcome outcome, long nanos);
}
