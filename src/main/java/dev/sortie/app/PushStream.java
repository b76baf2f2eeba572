package dev.sortie.app;

import dev.sortie.deploy.DeployQueue;
import dev.sortie.deploy.Journal;
import dev.sortie.pipeline.DeployEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A push followed in the daemon: the {@code push_follow} op. The post-update hook's small client (hooks/sortie-push,
 * in Perl: no JVM on the push's path) sends the pushed ref; the daemon applies the branch rule, queues the deploy and
 * writes, as they happen, tagged lines the client only has to copy:
 * <pre>
 *   i ID       the deploy's id (a client that loses the daemon follows it with {@code sortie git-hook --follow ID})
 *   g TEXT     what to print if the pusher stops following
 *   o TEXT     a line of push output
 *   e TEXT     an error, for standard error (nothing was queued)
 *   x CODE     the end, and the hook's exit code
 * </pre>
 * The lines are the ones {@code sortie git-hook} prints for the same push: both render through {@link PushView}.
 */
final class PushStream {

    private static final Logger LOG = LoggerFactory.getLogger(PushStream.class);

    static final String OP = "push_follow";
    /** How often the journal is read for new lines (the worker, another process, writes it). */
    private static final long POLL_MILLIS = 10;
    /** The exit codes of {@code sortie git-hook} for the same ends (cli's ExitCodes: FAILED, UNAVAILABLE). */
    private static final int FAILED = 1;
    private static final int NO_SUCH_APP = 4;

    private final Sortie sortie;
    private final DeployQueue queue;
    private final PushView view;

    PushStream(Sortie sortie, DeployQueue queue, PushView view) {
        this.sortie = sortie;
        this.queue = queue;
        this.view = view;
    }

    /** Answers one pushed ref on {@code out}; returns when its deploy has ended (or nothing deploys). */
    void follow(Daemon.PushArgs push, OutputStream out) throws IOException, InterruptedException {
        Tagged lines = new Tagged(out);
        String app = push.app();
        String id;
        try {
            if (push.gate() != null) {
                throw new IOException("a gated push (pre-receive) is followed by sortie git-hook --pre-receive, not " + OP);
            }
            Deploys.PushDecision decision = new Deploys(sortie).decide(app, push.ref(), null, null);
            if (decision.skipped() != null) {
                lines.out(view.skipped(app, decision.skipped()));
                lines.exit(0);
                return;
            }
            id = queue.enqueue(new DeployQueue.Request(app, decision.commit(), decision.branch(), "push", push.by(), null));
            LOG.info("queued push {} of {} ({} {}), followed by its hook", id, app, decision.branch(), decision.commit());
        } catch (IOException | RuntimeException e) {
            lines.tag('e', "sortie: " + e.getMessage());
            lines.exit(e instanceof Deploys.NoSuchApp ? NO_SUCH_APP : FAILED);
            return;
        }
        lines.tag('i', id);
        lines.tag('g', view.stoppedFollowing(app, id));
        Path file = sortie.home().journal(app, id);
        Journal.Follower follower = new Journal.Follower(file);
        PrintStream rendered = new PrintStream(lines.outputLines(), true, StandardCharsets.UTF_8);
        var renderer = view.renderer(rendered);
        while (true) {
            for (Journal.Line line : follower.poll()) {
                renderer.accept(line.event());
                if (line.event().terminal()) {
                    rendered.flush();
                    boolean failed = line.event() instanceof DeployEvent.Failed;
                    if (failed) {
                        lines.out(view.failed(app));
                    }
                    lines.exit(failed ? FAILED : 0);
                    return;
                }
            }
            if (rendered.checkError()) {
                throw new IOException("the pusher went away; deploy " + id + " goes on");
            }
            if (!Files.exists(file)) {
                throw new IOException("the journal of deploy " + id + " of " + app + " is gone");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** The tagged lines on the connection, each flushed as written so the pusher sees progress as it happens. */
    private static final class Tagged {
        private final OutputStream out;

        Tagged(OutputStream out) {
            this.out = out;
        }

        synchronized void tag(char tag, String text) throws IOException {
            out.write((tag + " " + text.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void out(String line) throws IOException {
            tag('o', line);
        }

        void exit(int code) throws IOException {
            tag('x', Integer.toString(code));
        }

        /** A stream whose every line becomes an {@code o} line. */
        OutputStream outputLines() {
            return new OutputStream() {
                private final ByteArrayOutputStream line = new ByteArrayOutputStream();

                @Override
                public void write(int b) throws IOException {
                    if (b == '\n') {
                        tag('o', line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }

                @Override
                public void flush() throws IOException {
                    if (line.size() > 0) {
                        tag('o', line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    }
                }
            };
        }
    }
}
