package dev.sortie.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.SocketException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The embedded backend as seen from the CLI: requests to the {@code sortie server} daemon over its socket. */
public final class SupervisorClient implements ServiceBackend {

    private final Path socket;

    public SupervisorClient(Path socket) {
        this.socket = socket;
    }

    public static boolean isListening(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return ch.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    public boolean isRunning() {
        return isListening(socket);
    }

    /** The daemon's pid, or throws when it does not answer. */
    public long ping() throws IOException {
        return send(new SupervisorProtocol.Request("ping", null, null, null, null, null)).pid();
    }

    @Override
    public InstanceInfo start(InstanceSpec spec) throws IOException {
        return send(new SupervisorProtocol.Request("start", spec, null, null, null, null)).instances().getFirst();
    }

    @Override
    public void stop(String app, String release, Duration timeout) throws IOException {
        send(new SupervisorProtocol.Request("stop", null, app, release, timeout.toMillis(), null));
    }

    @Override
    public void retire(String app, String release, Duration drain, Duration timeout) throws IOException {
        send(new SupervisorProtocol.Request("retire", null, app, release, timeout.toMillis(), drain.toMillis()));
    }

    @Override
    public Optional<InstanceInfo> takeOver(String app, String from, String to) throws IOException {
        List<InstanceInfo> taken = send(new SupervisorProtocol.Request("take_over", null, app, from + ">" + to, null, null)).instances();
        return taken == null || taken.isEmpty() ? Optional.empty() : Optional.of(taken.getFirst());
    }

    @Override
    public List<InstanceInfo> list() throws IOException {
        return send(new SupervisorProtocol.Request("list", null, null, null, null, null)).instances();
    }

    /** Stops every instance, then the daemon itself. */
    public void shutdown() throws IOException {
        send(new SupervisorProtocol.Request("shutdown", null, null, null, null, null));
    }

    /** An op of a {@link SupervisorServer.Extension}: {@code args} as JSON in, the result as {@code type} out. */
    public <T> T call(String op, Object args, Class<T> type) throws IOException {
        JsonNode json = SupervisorProtocol.JSON.valueToTree(args);
        JsonNode result = send(new SupervisorProtocol.Request(op, null, null, null, null, null, json)).result();
        return SupervisorProtocol.JSON.treeToValue(result, type);
    }

    private SupervisorProtocol.Response send(SupervisorProtocol.Request request) throws IOException {
        SupervisorProtocol.Response response;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            out.write(SupervisorProtocol.JSON.writeValueAsBytes(request));
            out.flush();
            ch.shutdownOutput();
            InputStream in = Channels.newInputStream(ch);
            response = SupervisorProtocol.JSON.readValue(in.readAllBytes(), SupervisorProtocol.Response.class);
        } catch (SocketException | ClosedChannelException e) {
            throw new IOException("the sortie server is not answering on " + socket + " (start it: sortie server start): " + e.getMessage(), e);
        }
        if (!response.ok()) {
            throw new IOException("sortie server: " + response.error());
        }
        return response;
    }
}
