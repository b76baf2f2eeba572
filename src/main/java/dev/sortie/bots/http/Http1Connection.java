package dev.sortie.bots.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection (plain or TLS) and the exchange of one request on it: writes the
 * request, reads the status line, the few headers the bots need (Content-Length,
 * Transfer-Encoding, Connection, Location) and the body (by length, chunked, or up to the close).
 * Other headers are skipped without building strings: a bot's request costs what it must. Not
 * thread-safe: one exchange at a time, which {@link Http1Client}'s pool guarantees.
 */
final class Http1Connection implements AutoCloseable {

    /** What came back. {@code body} holds at most the bytes asked for; {@code location} is null without one. */
    record Response(int status, byte[] body, String location) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lineEnd;
    private int end;
    private long deadline;
    private boolean reusable = true;
    private long usedAt;

    private Http1Connection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects within {@code connectMillis}; with {@code tls}, shakes hands and checks the host name against the certificate. */
    static Http1Connection open(String host, int port, SSLSocketFactory tls, int connectMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), connectMillis);
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(s, host, port, true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(params);
                ssl.setSoTimeout(connectMillis);
                ssl.startHandshake();
                s = ssl;
            }
            return new Http1Connection(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** False once the server said close, the body ran to the close, or anything went wrong. */
    boolean reusable() {
        return reusable && !socket.isClosed();
    }

    long usedAt() {
        return usedAt;
    }

    /**
     * Sends {@code head} (the request line and headers, without the blank line), a Content-Length
     * for {@code body} when there is one, and the body; then reads the answer. Up to
     * {@code keepBytes} of the body are kept, the rest is read and dropped. Everything must happen
     * before {@code deadline} (System.nanoTime()), or a SocketTimeoutException ends it.
     */
    Response exchange(byte[] head, byte[] body, boolean headRequest, int keepBytes, long deadline) throws IOException {
        this.deadline = deadline;
        reusable = false; // until the answer has been read to its end
        if (body != null) {
            byte[] length = ("\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = Arrays.copyOf(head, head.length + length.length + body.length);
            System.arraycopy(length, 0, all, head.length, length.length);
            System.arraycopy(body, 0, all, head.length + length.length, body.length);
            out.write(all);
        } else {
            byte[] all = Arrays.copyOf(head, head.length + 4);
            all[head.length] = '\r';
            all[head.length + 1] = '\n';
            all[head.length + 2] = '\r';
            all[head.length + 3] = '\n';
            out.write(all);
        }
        out.flush();
        while (true) {
            int status = statusLine();
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            String location = null;
            int start;
            while ((start = headerLine()) >= 0) {
                int colon = indexOf(start, lineEnd, (byte) ':');
                if (colon < 0) {
                    continue;
                }
                int v = colon + 1;
                int ve = lineEnd; // before CRLF
                while (v < ve && (buf[v] == ' ' || buf[v] == '\t')) {
                    v++;
                }
                while (ve > v && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) {
                    ve--;
                }
                int n = colon - start;
                if (is(start, n, "content-length")) {
                    length = number(v, ve);
                } else if (is(start, n, "transfer-encoding")) {
                    chunked = contains(v, ve, "chunked");
                } else if (is(start, n, "connection")) {
                    close = contains(v, ve, "close");
                } else if (is(start, n, "location")) {
                    location = new String(buf, v, ve - v, StandardCharsets.UTF_8);
                }
            }
            if (status >= 100 && status < 200) {
                continue; // 100 Continue, 103 Early Hints: the real answer follows
            }
            Sink sink = new Sink(keepBytes);
            boolean toClose = false;
            if (headRequest || status == 204 || status == 304) {
                // no body, whatever the headers say
            } else if (chunked) {
                chunks(sink);
            } else if (length >= 0) {
                copy(length, sink);
            } else {
                toClose = true;
                copyToClose(sink);
            }
            reusable = !close && !toClose;
            usedAt = System.nanoTime();
            return new Response(status, sink.bytes(), location);
        }
    }

    private int statusLine() throws IOException {
        int start = line();
        int e = lineEnd;
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (e - start < 12 || buf[start] != 'H' || buf[start + 4] != '/' || buf[start + 8] != ' ') {
            throw new IOException("not an HTTP/1.x answer: " + new String(buf, start, Math.min(e - start, 60), StandardCharsets.ISO_8859_1));
        }
        int status = 0;
        for (int i = start + 9; i < start + 12; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                throw new IOException("malformed status line: " + new String(buf, start, e - start, StandardCharsets.ISO_8859_1));
            }
            status = status * 10 + buf[i] - '0';
        }
        return status;
    }

    /** The start of the next header line in buf (pos is past its CRLF), or -1 at the blank line that ends them. */
    private int headerLine() throws IOException {
        int start = line();
        return lineEnd == start ? -1 : start;
    }

    /**
     * Reads up to the next LF and returns where the line starts in buf; afterwards {@code lineEnd}
     * is where it ends (before CRLF, or a bare LF) and pos is past it. Lines longer than the buffer
     * are refused.
     */
    private int line() throws IOException {
        int i = pos;
        while (true) {
            for (; i < end; i++) {
                if (buf[i] == '\n') {
                    int start = pos;
                    lineEnd = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                    pos = i + 1;
                    return start;
                }
            }
            int scanned = i - pos;
            compact();
            i = scanned;
            if (end == buf.length) {
                throw new IOException("a header line longer than " + buf.length + " bytes");
            }
            if (!fill()) {
                throw new EOFException("the connection closed before the answer was complete");
            }
        }
    }

    private void chunks(Sink sink) throws IOException {
        while (true) {
            int start = line();
            int e = lineEnd;
            int semi = indexOf(start, e, (byte) ';');
            long size = hex(start, semi < 0 ? e : semi);
            if (size == 0) {
                while (headerLine() >= 0) {
                    // trailers: nothing the bots read
                }
                return;
            }
            copy(size, sink);
            int after = line();
            if (lineEnd != after) {
                throw new IOException("a chunk is longer than its size says");
            }
        }
    }

    private void copy(long n, Sink sink) throws IOException {
        while (n > 0) {
            if (pos == end) {
                pos = end = 0;
                if (!fill()) {
                    throw new EOFException("the connection closed " + n + " bytes before the end of the body");
                }
            }
            int take = (int) Math.min(n, end - pos);
            sink.add(buf, pos, take);
            pos += take;
            n -= take;
        }
    }

    private void copyToClose(Sink sink) throws IOException {
        while (true) {
            if (pos < end) {
                sink.add(buf, pos, end - pos);
            }
            pos = end = 0;
            if (!fill()) {
                return;
            }
        }
    }

    private void compact() {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, end - pos);
            end -= pos;
            pos = 0;
        }
    }

    /** Reads more into buf after end; false at the end of the stream. */
    private boolean fill() throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no complete answer in time");
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)));
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    private int indexOf(int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** True if buf[start, start + n) is {@code lower} in any case (lower is lower case ASCII). */
    private boolean is(int start, int n, String lower) {
        if (n != lower.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if ((buf[start + i] | 0x20) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean contains(int from, int to, String lower) {
        int n = lower.length();
        for (int i = from; i + n <= to; i++) {
            if (is(i, n, lower)) {
                return true;
            }
        }
        return false;
    }

    private long number(int from, int to) throws IOException {
        if (from == to || to - from > 18) {
            throw new IOException("malformed Content-Length: " + new String(buf, from, to - from, StandardCharsets.ISO_8859_1));
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                throw new IOException("malformed Content-Length: " + new String(buf, from, to - from, StandardCharsets.ISO_8859_1));
            }
            n = n * 10 + buf[i] - '0';
        }
        return n;
    }

    private long hex(int from, int to) throws IOException {
        while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t')) {
            to--;
        }
        if (from == to || to - from > 15) {
            throw new IOException("malformed chunk size: " + new String(buf, from, to - from, StandardCharsets.ISO_8859_1));
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(buf[i], 16);
            if (d < 0) {
                throw new IOException("malformed chunk size: " + new String(buf, from, to - from, StandardCharsets.ISO_8859_1));
            }
            n = n * 16 + d;
        }
        return n;
    }

    @Override
    public void close() {
        reusable = false;
        try {
            socket.close();
        } catch (IOException e) {
            // closing a connection we drop: nothing to do
        }
    }

    /** Keeps the first {@code limit} bytes of a body. */
    private static final class Sink {
        private final int limit;
        private byte[] bytes = new byte[0];
        private int size;

        Sink(int limit) {
            this.limit = limit;
        }

        void add(byte[] b, int off, int n) {
            int take = Math.min(n, limit - size);
            if (take <= 0) {
                return;
            }
            if (size + take > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + take, Math.min(limit, Math.max(256, bytes.length * 2))));
            }
            System.arraycopy(b, off, bytes, size, take);
            size += take;
        }

        byte[] bytes() {
            return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        }
    }
}
