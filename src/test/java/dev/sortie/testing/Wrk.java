package dev.sortie.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A bounded wrk run (keep-alive connections) against a loopback URL, in the background, and what it counted. */
public final class Wrk {

    /** What wrk reported. */
    public record Counts(long requests, long non2xx, long connectErrors, long readErrors, long writeErrors, long timeouts, String output) {
        public long socketErrors() {
            return connectErrors + readErrors + writeErrors + timeouts;
        }

        public long failed() {
            return non2xx + socketErrors();
        }
    }

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private Wrk() {
    }

    /** Starts {@code wrk -t1 -c<connections> -d<seconds>s -H 'Host: host' url}; join the future for its counts. */
    public static CompletableFuture<Counts> start(String url, String host, int connections, int seconds) {
        String wrk = Requirements.program("wrk", "wrk");
        return CompletableFuture.supplyAsync(() -> {
            try {
                Proc.Result r = Proc.run(Path.of("."), Map.of(), seconds + 30L, List.of(wrk, "-t1", "-c" + connections,
                        "-d" + seconds + "s", "--timeout", "5s", "-H", "Host: " + host, url));
                return parse(r.assertOk().output());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, command -> Thread.ofVirtual().start(command));
    }

    static Counts parse(String out) {
        long requests = find(REQUESTS, out, 1);
        long non2xx = find(NON_2XX, out, 1);
        Matcher m = SOCKET.matcher(out);
        long[] socket = new long[5];
        if (m.find()) {
            for (int i = 1; i <= 4; i++) {
                socket[i] = Long.parseLong(m.group(i));
            }
        }
        return new Counts(requests, non2xx, socket[1], socket[2], socket[3], socket[4], out);
    }

    private static long find(Pattern p, String text, int group) {
        Matcher m = p.matcher(text);
        return m.find() ? Long.parseLong(m.group(group)) : 0;
    }
}
