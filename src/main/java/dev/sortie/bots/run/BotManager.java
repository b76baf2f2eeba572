package dev.sortie.bots.run;

import dev.sortie.bots.metrics.BotRunLog;
import dev.sortie.bots.metrics.MetricsSink;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.metrics.RunMetrics;
import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.Trees;
import dev.sortie.config.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one bot army at a time, in amoc's terms: {@code idle} until started, {@code running},
 * {@code terminating} while bots stop, then {@code finished} (or {@code error} if the run itself
 * broke). Bots can be added and removed and settings changed while it runs. Thread-safe.
 */
public final class BotManager implements AutoCloseable {

    /** The controller's state. */
    public enum Status { IDLE, RUNNING, TERMINATING, FINISHED, ERROR }

    private Run run;

    /**
     * Starts a run.
     *
     * @throws IllegalStateException if a run is running or terminating
     */
    public synchronized void start(RunSpec spec, Consumer<RunResult> onEnd) {
        start(spec, onEnd, List.of());
    }

    /**
     * Starts a run whose metrics also feed {@code sinks} (e.g. the interval log), closed when it ends
     * (if it cannot start, closing them is the caller's).
     *
     * @throws IllegalStateException if a run is running or terminating
     */
    public synchronized void start(RunSpec spec, Consumer<RunResult> onEnd, List<MetricsSink> sinks) {
        if (run != null && (run.status() == Status.RUNNING || run.status() == Status.TERMINATING)) {
            throw new IllegalStateException("a run of " + run.spec().treeName() + " is " + run.status().name().toLowerCase()
                    + "; stop it first (DELETE /stop or Ctrl-C)");
        }
        Node tree = spec.mode() == RunSpec.Mode.INTEGRATION ? integration(spec.tree(), spec.botTimeout()) : spec.tree();
        BotRunLog log = null;
        if (spec.log() != null) {
            try {
                log = BotRunLog.open(spec.log());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the bot log " + spec.log() + ": " + e.getMessage(), e);
            }
        }
        run = new Run(spec, tree, log, sinks, onEnd);
        run.begin();
    }

    /**
     * The integration wrapper: {@code sequence(tree, done)}, with the per-bot timeout around the
     * tree, so a bot that does not reach done ends its one pass failed; the run says why, from the
     * bot's last problem (which action, and what it said) or its timeout.
     */
    static Node integration(Node tree, Duration botTimeout) {
        Node bounded = botTimeout == null || botTimeout.isZero() ? tree : Trees.timeout(tree, botTimeout);
        return Trees.sequence(bounded, Trees.done());
    }

    /** 30s, 1.5s, 250ms: how durations read in messages. */
    static String human(Duration d) {
        return Durations.format(d);
    }

    public synchronized Status status() {
        return run == null ? Status.IDLE : run.status();
    }

    public synchronized RunStatus describe() {
        return run == null ? RunStatus.idle() : run.describe();
    }

    /** The current (or last) run's metrics; empty when nothing has run. */
    public synchronized MetricsSnapshot metrics() {
        return run == null ? new MetricsSnapshot(0, 0, 0, Map.of()) : run.metrics().snapshot();
    }

    public synchronized RunMetrics liveMetrics() {
        return run == null ? null : run.metrics();
    }

    /** Adds n bots to the running run (started at the ramp rate); not for stages or the open model. */
    public synchronized int addBots(int n) {
        return running("add bots").add(n);
    }

    /** Removes up to n bots: gracefully (after their current action) or at once; returns how many. */
    public synchronized int removeBots(int n, boolean atOnce) {
        return running("remove bots").remove(n, atOnce);
    }

    /**
     * Changes the ramp rate and/or duration of the running run (nulls leave a setting as it is); in
     * the open model the rate is the arrival rate, constant from now on.
     */
    public synchronized void updateSettings(Double rate, Duration duration) {
        running("change settings").update(rate, duration);
    }

    /** Stops the run: bots finish their current action (5s grace), then are interrupted. */
    public synchronized void stop() {
        running("stop").terminate("stopped");
    }

    /** Where the current (or last) run's bot_run.log is; null if none. */
    public synchronized Path logFile() {
        return run == null ? null : run.spec().log();
    }

    /** Completes when the current run has ended, with its result. */
    public synchronized CompletableFuture<RunResult> ended() {
        if (run == null) {
            throw new IllegalStateException("nothing is running");
        }
        return run.ended();
    }

    private Run running(String what) {
        if (run == null || run.status() != Status.RUNNING) {
            throw new IllegalStateException("cannot " + what + ": no run is running (status " + status().name().toLowerCase() + ")");
        }
        return run;
    }

    /** Stops any run at once and waits briefly for its bots. */
    @Override
    public void close() {
        Run r;
        synchronized (this) {
            r = run;
        }
        if (r != null && (r.status() == Status.RUNNING || r.status() == Status.TERMINATING)) {
            r.terminate("shutting down");
            r.ended().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
        }
    }
}
