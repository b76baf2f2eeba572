package dev.sortie.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sortie server} daemon: a {@link Supervisor} behind a Unix socket in a 0700 directory,
 * so only the owner can reach it.
 */
public final class SupervisorServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorServer.class);

    /** More requests the daemon answers (the deploy queue's): an op name and JSON arguments in, a JSON result out. */
    public interface Extension {
        /** The result of {@code op}, or empty when this extension does not know it. */
        Optional<JsonNode> handle(String op, JsonNode args) throws IOException, InterruptedException;

        /**
         * The result of {@code op} asked for by an app's own process over the app socket; {@code app} is the app its
         * Unix user belongs to. By default nothing: an extension allows an app's processes only what it says here.
         */
        default Optional<JsonNode> handleForApp(String app, String op, JsonNode args) throws IOException, InterruptedException {
            return Optional.empty();
        }

        /**
         * Whether {@code op} answers with text written as it happens (a push followed to its end) instead of one JSON
         * response; if so, {@link #stream} answers it. Only on the daemon's own socket, never on the app socket.
         */
        default boolean streams(String op) {
            return false;
        }

        /** Writes {@code op}'s answer to {@code out} as it goes; the connection is closed when this returns. */
        default void stream(String op, JsonNode args, OutputStream out) throws IOException, InterruptedException {
            throw new IOException("unknown op " + op);
        }
    }

    /** Which app, if any, a connecting Unix user acts for on the app socket. */
    public interface AppOfUser {
        Optional<String> appOf(String user);
    }

    private final Path socket;
    private final Path pidFile;
    private final Duration stopTimeout;
    private final Supervisor supervisor;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ServerSocketChannel channel;
    private volatile Extension extension = (op, args) -> Optional.empty();
    private FileChannel lockChannel;
    /** The socket an app's own processes (its deploy worker) reach, each limited to its app; null: none. */
    private Path appSocket;
    private AppOfUser appOfUser;
    private ServerSocketChannel appChannel;
    /** Whether this server bound the socket; one that found another server running must not remove that server's files. */
    private boolean bound;

    public SupervisorServer(Path socket, Path pidFile, Duration stopTimeout) {
        this(socket, pidFile, stopTimeout, null);
    }

    /** @param stateFile where the supervisor remembers its instances across restarts, or null */
    public SupervisorServer(Path socket, Path pidFile, Duration stopTimeout, Path stateFile) {
        this(socket, pidFile, stopTimeout, stateFile, LogRotation.DEFAULT);
    }

    /** @param rotation when the instances' logs are rotated */
    public SupervisorServer(Path socket, Path pidFile, Duration stopTimeout, Path stateFile, LogRotation rotation) {
        this.supervisor = new Supervisor(stateFile, rotation);
        this.socket = socket;
        this.pidFile = pidFile;
        this.stopTimeout = stopTimeout;
    }

    /** The supervisor as a service backend, for code in the daemon's own process. */
    public ServiceBackend backend() {
        return new ServiceBackend() {
            @Override
            public InstanceInfo start(InstanceSpec spec) throws IOException {
                return supervisor.start(spec);
            }

            @Override
            public void stop(String app, String release, Duration timeout) throws IOException {
                supervisor.stop(app, release, timeout);
            }

            @Override
            public void retire(String app, String release, Duration drain, Duration timeout) {
                supervisor.retire(app, release, drain, timeout);
            }

            @Override
            public Optional<InstanceInfo> takeOver(String app, String from, String to) throws IOException {
                return supervisor.takeOver(app, from, to);
            }

            @Override
            public List<InstanceInfo> list() {
                return supervisor.list();
            }
        };
    }

    public void extend(Extension extension) {
        this.extension = extension;
    }

    /**
     * Also listens on {@code socket}, which any local user may connect to (its dir is 0711, the socket 0666): the peer's
     * Unix user (SO_PEERCRED) decides what it may do: an app's user acts on that app's instances only, anyone else
     * nothing. Call before {@link #start()}.
     */
    public void listenForApps(Path socket, AppOfUser appOfUser) {
        this.appSocket = socket;
        this.appOfUser = appOfUser;
    }

    public void start() throws IOException {
        Path dir = socket.getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        // one daemon per home, held for its whole life: two started at once must not both take the socket
        lockChannel = FileChannel.open(socket.resolveSibling(socket.getFileName() + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null; // held by another server in this same JVM
        }
        if (held == null) {
            lockChannel.close();
            lockChannel = null;
            throw new IOException("a sortie server is already running on " + socket);
        }
        if (SupervisorClient.isListening(socket)) {
            throw new IOException("a sortie server is already running on " + socket);
        }
        Files.deleteIfExists(socket); // left by a server that died
        channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket));
        bound = true;
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        for (String line : supervisor.recover()) {
            log(line);
        }
        if (appSocket != null) {
            Files.createDirectories(appSocket.getParent());
            Files.setPosixFilePermissions(appSocket.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
            Files.deleteIfExists(appSocket);
            appChannel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            appChannel.bind(UnixDomainSocketAddress.of(appSocket));
            Files.setPosixFilePermissions(appSocket, PosixFilePermissions.fromString("rw-rw-rw-"));
            Thread.ofPlatform().name("sortie-accept-apps").start(() -> acceptOn(appChannel, this::serveApp, "the app socket"));
        }
        Thread.ofPlatform().name("sortie-accept").start(() -> acceptOn(channel, this::serve, "the socket"));
    }

    /** Accepts connections on {@code on} until it is closed, each served on its own virtual thread. */
    private static void acceptOn(ServerSocketChannel on, Consumer<SocketChannel> serve, String what) {
        while (on.isOpen()) {
            try {
                SocketChannel client = on.accept();
                Thread.ofVirtual().start(() -> serve.accept(client));
            } catch (IOException e) {
                if (on.isOpen()) {
                    LOG.warn("accept on {} failed: {}", what, e.getMessage());
                }
            }
        }
    }

    /** Answers a request; {@code handle} gets the one request a connection carries. */
    private interface Handler {
        SupervisorProtocol.Response handle(SupervisorProtocol.Request request) throws IOException, InterruptedException;
    }

    /** Answers a request by writing to the connection itself, or says (false) that {@link Handler} answers it. */
    private interface Streamer {
        boolean stream(SupervisorProtocol.Request request, OutputStream out) throws IOException, InterruptedException;
    }

    private static final Streamer NOT_STREAMED = (request, out) -> false;

    /**
     * One connection: a request in (an empty one is a liveness check), one response out; a failure is an error response.
     *
     * @return the request that was answered, or null
     */
    private static SupervisorProtocol.Request respond(SocketChannel client, Handler handler, Streamer streamer, String what) {
        try (InputStream in = Channels.newInputStream(client); OutputStream out = Channels.newOutputStream(client)) {
            SupervisorProtocol.Request request = null;
            SupervisorProtocol.Response response;
            try {
                byte[] bytes = in.readAllBytes();
                if (bytes.length == 0) {
                    return null; // a liveness check: connected and hung up
                }
                request = SupervisorProtocol.JSON.readValue(bytes, SupervisorProtocol.Request.class);
                if (streams(streamer, request, out, what)) {
                    return request;
                }
                response = handler.handle(request);
            } catch (IOException | RuntimeException e) {
                response = SupervisorProtocol.Response.error(String.valueOf(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response = SupervisorProtocol.Response.error("the sortie server is shutting down");
            }
            out.write(SupervisorProtocol.JSON.writeValueAsBytes(response));
            out.flush();
            return request;
        } catch (IOException e) {
            LOG.warn("{} connection failed: {}", what, e.getMessage());
            return null;
        }
    }

    /** Lets {@code streamer} answer; once it has, a failure (the client went away) only ends the connection. */
    private static boolean streams(Streamer streamer, SupervisorProtocol.Request request, OutputStream out, String what)
            throws InterruptedException {
        try {
            return streamer.stream(request, out);
        } catch (IOException | RuntimeException e) {
            LOG.info("{} {} ended early: {}", what, request.op(), e.getMessage());
            return true;
        }
    }

    /** A request on the app socket: the peer's user names the one app it may act for, or it may do nothing. */
    private void serveApp(SocketChannel client) {
        String user;
        try {
            user = client.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
        } catch (IOException | RuntimeException e) {
            LOG.warn("app connection without peer credentials: {}", e.getMessage());
            closeQuietly(client);
            return;
        }
        Optional<String> app = appOfUser.appOf(user);
        try (client) {
            respond(client, request -> {
                if (app.isEmpty()) {
                    log("refused " + request.op() + " from user " + user + " on the app socket: not an app's user");
                    return SupervisorProtocol.Response.error("user " + user + " is not an app's user: nothing is allowed");
                }
                return handleForApp(app.get(), request);
            }, NOT_STREAMED, "app");
        } catch (IOException e) {
            LOG.warn("app connection failed: {}", e.getMessage());
        }
    }

    private static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // nothing was said on it
        }
    }

    /** What an app's process may ask: about its own app's instances, and what the extension allows it. */
    private SupervisorProtocol.Response handleForApp(String app, SupervisorProtocol.Request r) throws IOException, InterruptedException {
        String op = r.op() == null ? "" : r.op();
        boolean own = app.equals(r.app());
        return switch (op) {
            case "ping" -> new SupervisorProtocol.Response(true, null, ProcessHandle.current().pid(), null);
            case "list" -> new SupervisorProtocol.Response(true, null, null,
                    supervisor.list().stream().filter(i -> i.app().equals(app)).toList());
            case "start" -> {
                InstanceSpec s = r.spec();
                if (s == null || !app.equals(s.app())) {
                    yield refused(app, r);
                }
                // the app's processes run as its user, whatever the request says
                InstanceInfo info = supervisor.start(new InstanceSpec(s.app(), s.release(), s.workDir(), s.argv(), s.env(), s.port(),
                        s.logFile(), RunAs.userFor(app)));
                log("started " + info.app() + " " + info.release() + " pid " + info.pid() + " port " + info.port() + " (for its app)");
                yield new SupervisorProtocol.Response(true, null, info.pid(), List.of(info));
            }
            case "stop", "retire", "take_over" -> own ? handle(r) : refused(app, r);
            case "shutdown" -> refused(app, r);
            default -> extension.handleForApp(app, op, r.args())
                    .map(result -> new SupervisorProtocol.Response(true, null, null, null, result))
                    .orElseGet(() -> refused(app, r));
        };
    }

    private SupervisorProtocol.Response refused(String app, SupervisorProtocol.Request r) {
        log("refused " + r.op() + (r.app() == null ? "" : " of " + r.app()) + " asked by app " + app + "'s user");
        return SupervisorProtocol.Response.error(app + "'s processes may not " + r.op() + (r.app() == null || r.app().equals(app) ? ""
                : " anything of " + r.app()));
    }

    /** Blocks until a shutdown request has stopped every instance. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    private void serve(SocketChannel client) {
        try (client) {
            SupervisorProtocol.Request answered = respond(client, this::handle, this::streamed, "client");
            if (answered != null && "shutdown".equals(answered.op())) {
                client.close();
                close();
            }
        } catch (IOException e) {
            LOG.warn("client connection failed: {}", e.getMessage());
        }
    }

    private boolean streamed(SupervisorProtocol.Request r, OutputStream out) throws IOException, InterruptedException {
        Extension e = extension;
        if (r.op() == null || !e.streams(r.op())) {
            return false;
        }
        e.stream(r.op(), r.args(), out);
        return true;
    }

    private SupervisorProtocol.Response handle(SupervisorProtocol.Request r) throws IOException, InterruptedException {
        return switch (r.op() == null ? "" : r.op()) {
            case "ping" -> new SupervisorProtocol.Response(true, null, ProcessHandle.current().pid(), null);
            case "list" -> new SupervisorProtocol.Response(true, null, null, supervisor.list());
            case "start" -> {
                InstanceInfo info = supervisor.start(r.spec());
                log("started " + info.app() + " " + info.release() + " pid " + info.pid() + " port " + info.port());
                yield new SupervisorProtocol.Response(true, null, info.pid(), List.of(info));
            }
            case "stop" -> {
                supervisor.stop(r.app(), r.release(), Duration.ofMillis(r.timeoutMillis() == null ? stopTimeout.toMillis() : r.timeoutMillis()));
                log("stopped " + r.app() + " " + r.release());
                yield SupervisorProtocol.Response.success();
            }
            case "retire" -> {
                Duration timeout = Duration.ofMillis(r.timeoutMillis() == null ? stopTimeout.toMillis() : r.timeoutMillis());
                Duration drain = Duration.ofMillis(r.drainMillis() == null ? 0 : r.drainMillis());
                supervisor.retire(r.app(), r.release(), drain, timeout);
                log("retiring " + r.app() + " " + r.release() + " after " + drain.toMillis() + "ms");
                yield SupervisorProtocol.Response.success();
            }
            case "take_over" -> {
                // release is "FROM>TO": the protocol's one release field carries both names of the renamed record
                String[] names = r.release() == null ? new String[0] : r.release().split(">", 2);
                if (names.length != 2 || names[0].isEmpty() || names[1].isEmpty()) {
                    yield SupervisorProtocol.Response.error("take_over needs FROM>TO in release, got " + r.release());
                }
                Optional<InstanceInfo> taken = supervisor.takeOver(r.app(), names[0], names[1]);
                taken.ifPresent(i -> log("took over " + r.app() + " " + names[0] + " as " + names[1] + " pid " + i.pid()));
                yield new SupervisorProtocol.Response(true, null, null, taken.map(List::of).orElse(List.of()));
            }
            case "shutdown" -> {
                log("shutting down: stopping " + supervisor.list().size() + " instance(s)");
                supervisor.stopAll(stopTimeout);
                yield SupervisorProtocol.Response.success();
            }
            default -> extension.handle(r.op(), r.args())
                    .map(result -> new SupervisorProtocol.Response(true, null, null, null, result))
                    .orElseGet(() -> SupervisorProtocol.Response.error("unknown request " + r.op()));
        };
    }

    private static void log(String message) {
        LOG.info(message);
    }

    @Override
    public void close() throws IOException {
        try {
            if (channel != null) {
                channel.close();
            }
            if (appChannel != null) {
                appChannel.close();
                Files.deleteIfExists(appSocket);
            }
            if (bound) {
                Files.deleteIfExists(socket);
                Files.deleteIfExists(pidFile);
            }
            supervisor.close();
            if (lockChannel != null) {
                lockChannel.close();
            }
        } finally {
            stopped.countDown();
        }
    }
}
