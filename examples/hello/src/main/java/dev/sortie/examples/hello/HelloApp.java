package dev.sortie.examples.hello;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Entry point that wires the routes into a loopback-only HTTP server and runs it until SIGTERM. */
public final class HelloApp {

    static final String HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 5000;
    /** Seconds that in-flight requests get to finish after a stop is requested. */
    static final int STOP_GRACE_SECONDS = 2;

    private HelloApp() {}

    public static void main(String[] args) throws IOException {
        int port;
        try {
            port = port(System.getenv("PORT"));
        } catch (IllegalArgumentException e) {
            System.err.println("hello: " + e.getMessage());
            System.exit(2);
            return;
        }
        String release = release(System.getenv("SORTIE_RELEASE"));

        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server = HttpServer.create(new InetSocketAddress(HOST, port), 0);
        server.setExecutor(executor);
        server.createContext("/", new SiteHandler());
        server.createContext("/api/notes", new NotesApi(new NoteStore()));

        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, executor), "hello-stop"));

        server.start();
        System.out.println("hello listening on " + HOST + ":" + server.getAddress().getPort()
                + " (release " + release + ")");
        System.out.flush();
    }

    /** Parses the PORT value, falling back to the default when it is unset or blank. */
    static int port(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("PORT must be a number from 0 to 65535, got '" + value + "'");
    }

    /** Names the release from SORTIE_RELEASE, or "dev" when the app runs outside Sortie. */
    static String release(String value) {
        return value == null || value.isBlank() ? "dev" : value.strip();
    }

    /** Stops accepting connections, lets in-flight requests finish, then ends the worker threads. */
    private static void stop(HttpServer server, ExecutorService executor) {
        System.out.println("hello stopping");
        System.out.flush();
        server.stop(STOP_GRACE_SECONDS);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
