package dev.sortie.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;

/**
 * A runnable jar, compiled here with the real javac, whose main behaves like a framework that ignores {@code PORT}: it
 * listens on {@code SERVER_PORT} when set (as Spring Boot does), else on its first argument (standing in for 8080), and
 * answers every request with {@code port N}.
 */
public final class TinyServerJar {

    private static final String SOURCE = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetAddress;
            import java.net.InetSocketAddress;

            public class Tiny {
                public static void main(String[] args) throws Exception {
                    String port = System.getenv().getOrDefault("SERVER_PORT", args[0]);
                    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port)), 0);
                    server.createContext("/", exchange -> {
                        byte[] body = ("port " + port).getBytes();
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                        exchange.close();
                    });
                    server.start();
                    System.out.println("Tiny started on port " + port);
                }
            }
            """;

    private TinyServerJar() {
    }

    /** Writes {@code jar} with Main-Class Tiny and {@code manifest}'s extra attributes. */
    public static Path write(Path jar, Map<String, String> manifest) throws IOException {
        Path work = Files.createTempDirectory(jar.getParent(), "tiny-src");
        Path source = Files.writeString(work.resolve("Tiny.java"), SOURCE);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", work.toString(), source.toString());
        if (rc != 0) {
            throw new IOException("javac failed on Tiny.java (" + rc + ")");
        }
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Tiny");
        manifest.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, mf)) {
            out.putNextEntry(new JarEntry("Tiny.class"));
            out.write(Files.readAllBytes(work.resolve("Tiny.class")));
            out.closeEntry();
        }
        return jar;
    }

    /** The java launcher of the JVM running the tests. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java -jar JAR ARGS...}. */
    public static List<String> argv(Path jar, String... args) {
        List<String> argv = new ArrayList<>(List.of(java(), "-jar", jar.toString()));
        argv.addAll(List.of(args));
        return argv;
    }
}
