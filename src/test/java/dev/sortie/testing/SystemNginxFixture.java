package dev.sortie.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A "system" nginx for tests: Debian's nginx binary run by the test with its own root laid out like /etc/nginx (an
 * {@code nginx.conf} that includes {@code conf.d/*.conf} and {@code sites-enabled/*}), on a loopback port, with two sites of
 * its own that Sortie must never touch: a {@code default} catch-all and {@code other.conf}, both with a known mtime.
 */
public final class SystemNginxFixture implements AutoCloseable {

    /** What the foreign catch-all answers. */
    public static final String DEFAULT_BODY = "foreign default site";
    /** What the foreign named site answers for {@code other.test}. */
    public static final String OTHER_BODY = "foreign other site";
    static final FileTime FOREIGN_MTIME = FileTime.from(Instant.parse("2024-01-02T03:04:05Z"));

    public final String binary;
    public final Path root;
    public final Path etc;
    public final Path config;
    public final Path sitesDir;
    public final Path pidFile;
    public final int port;
    private final Map<Path, byte[]> foreign = new TreeMap<>();

    public SystemNginxFixture(Path root, int port) throws IOException, InterruptedException {
        this.binary = Requirements.nginx();
        this.root = root;
        this.port = port;
        this.etc = Files.createDirectories(root.resolve("etc/nginx"));
        this.config = etc.resolve("nginx.conf");
        this.sitesDir = Files.createDirectories(etc.resolve("sites-enabled"));
        Files.createDirectories(etc.resolve("conf.d"));
        Files.createDirectories(root.resolve("log"));
        Files.createDirectories(root.resolve("run"));
        Files.createDirectories(root.resolve("lib"));
        this.pidFile = root.resolve("run/nginx.pid");
        Files.writeString(config, """
                worker_processes 1;
                pid %1$s/run/nginx.pid;
                error_log %1$s/log/error.log warn;
                events {
                    worker_connections 256;
                }
                http {
                    access_log %1$s/log/access.log;
                    client_body_temp_path %1$s/lib/body;
                    proxy_temp_path %1$s/lib/proxy;
                    fastcgi_temp_path %1$s/lib/fastcgi;
                    uwsgi_temp_path %1$s/lib/uwsgi;
                    scgi_temp_path %1$s/lib/scgi;
                    include %2$s/conf.d/*.conf;
                    include %2$s/sites-enabled/*;
                }
                """.formatted(root, etc));
        foreign(sitesDir.resolve("default"), """
                # the system's own catch-all: not Sortie's
                server {
                    listen 127.0.0.1:%d default_server;
                    server_name _;
                    default_type text/plain;
                    return 200 "%s\\n";
                }
                """.formatted(port, DEFAULT_BODY));
        foreign(sitesDir.resolve("other.conf"), """
                server {
                    listen 127.0.0.1:%d;
                    server_name other.test;
                    default_type text/plain;
                    return 200 "%s\\n";
                }
                """.formatted(port, OTHER_BODY));
        foreign(config, Files.readString(config));
        nginx("-e", "stderr", "-c", config.toString()).assertOk();
        Await.until("the system nginx to write " + pidFile, () -> Files.exists(pidFile));
    }

    private void foreign(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FOREIGN_MTIME);
        foreign.put(file, Files.readAllBytes(file));
    }

    public Proc.Result nginx(String... args) throws IOException, InterruptedException {
        return Proc.run(root, Map.of(), 30, Stream.concat(Stream.of(binary), Stream.of(args)).toList());
    }

    public long masterPid() throws IOException {
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    /** The system's own files are byte for byte what the test wrote, with the mtime it gave them. */
    public void assertForeignUntouched() throws IOException {
        try (var files = Files.list(etc); var confd = Files.list(etc.resolve("conf.d"))) {
            assertEquals(List.of("conf.d", "nginx.conf", "sites-enabled"), files.map(f -> f.getFileName().toString()).sorted().toList(),
                    "files were added to or removed from " + etc);
            assertEquals(List.of(), confd.toList(), "files were added to conf.d");
        }
        for (var e : foreign.entrySet()) {
            assertEquals(new String(e.getValue()), Files.readString(e.getKey()), e.getKey() + " changed");
            assertEquals(FOREIGN_MTIME, Files.getLastModifiedTime(e.getKey()), e.getKey() + " was written to");
        }
    }

    /** The names in sites-enabled, sorted. */
    public List<String> sites() throws IOException {
        try (var files = Files.list(sitesDir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** The server config lines that point Sortie at this nginx. */
    public String serverConfigYaml() {
        return "nginx:\n  mode: system\n  sites_dir: " + sitesDir + "\n  config: " + config + "\n  binary: " + binary
                + "\n  listen: 127.0.0.1\n  port: " + port + "\n";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = masterPid();
        nginx("-e", "stderr", "-c", config.toString(), "-s", "quit");
        Await.until("the system nginx master " + pid + " to exit", () -> !Await.alive(pid));
    }
}
