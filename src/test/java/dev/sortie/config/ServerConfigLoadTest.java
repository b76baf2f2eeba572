package dev.sortie.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server's sortie.yml and an app's settings.yml: the day-two keys, and every mistake at once. */
class ServerConfigLoadTest {

    private static final String SRC = "/home/sortie/sortie.yml";

    private static List<String> problemsOf(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parseServer(yaml, SRC)).problems();
    }

    @Test
    void defaults() {
        ServerConfig c = ConfigLoader.parseServer("", SRC);
        assertEquals(Duration.ZERO, c.standby());
        assertEquals(5, c.keepReleases());
        assertEquals(10L * 1024 * 1024, c.logs().maxSize());
        assertEquals(3, c.logs().keep());
    }

    @Test
    void everyKey() {
        ServerConfig c = ConfigLoader.parseServer("""
                nginx: {listen: 0.0.0.0, port: 9090, binary: /usr/sbin/nginx}
                drain: 2.5s
                stop_timeout: 1m
                standby: 60s
                keep_releases: 10
                logs:
                  max_size: 512KB
                  keep: 5
                """, SRC);
        assertEquals(new ServerConfig(new ServerConfig.Nginx("0.0.0.0", 9090, "/usr/sbin/nginx"), Duration.ofMillis(2500),
                Duration.ofMinutes(1), Duration.ofSeconds(60), 10, new ServerConfig.Logs(512L * 1024, 5)), c);
    }

    @ParameterizedTest
    @CsvSource({"10MB, 10485760", "1GB, 1073741824", "65536, 65536", "64KB, 65536"})
    void logSizes(String text, long bytes) {
        assertEquals(bytes, ConfigLoader.parseServer("logs: {max_size: " + text + "}\n", SRC).logs().maxSize());
    }

    @Test
    void everyMistakeAtOnce() {
        assertEquals(List.of(
                SRC + ": nginx.port: 0 is not a port number (1-65535)",
                SRC + ": nginx.bianry: unknown key (did you mean binary?); known keys here: binary, config, https_port, listen, "
                        + "mode, pid_file, port, sites_dir",
                SRC + ": standby: \"a while\" is not a valid duration (use a number with a unit: 500ms, 30s, 2m, 1h, 1.5s or 1m30s)",
                SRC + ": keep_releases: must be between 1 and 1000, got 0",
                SRC + ": logs.max_size: must be at least 64KB, got 1KB",
                SRC + ": logs.keep: must be between 1 and 50, got 51",
                SRC + ": keep_release: unknown key (did you mean keep_releases?); known keys here: acme, app_users, drain, fleet, keep_releases, "
                        + "logs, nginx, ssh, standby, stop_timeout, tls"),
                problemsOf("""
                        nginx:
                          port: 0
                          bianry: nginx
                        standby: a while
                        keep_releases: 0
                        logs:
                          max_size: 1KB
                          keep: 51
                        keep_release: 3
                        """));
    }

    @Test
    void systemNginxKeys() {
        ServerConfig.Nginx n = ConfigLoader.parseServer("""
                nginx:
                  mode: system
                  sites_dir: /etc/nginx/sites-enabled/
                  listen: 0.0.0.0
                  port: 80
                  https_port: 443
                  config: /etc/nginx/nginx.conf
                  pid_file: /run/nginx.pid
                """, SRC).nginx();
        assertEquals(new ServerConfig.Nginx("0.0.0.0", 80, "nginx", "system", "/etc/nginx/sites-enabled", 443, "/etc/nginx/nginx.conf",
                "/run/nginx.pid"), n);
        assertTrue(n.system());
    }

    @Test
    void managedIsTheDefaultMode() {
        ServerConfig.Nginx n = ConfigLoader.parseServer("nginx: {port: 9000}\n", SRC).nginx();
        assertEquals("managed", n.mode());
        assertFalse(n.system());
        assertEquals(8443, n.httpsPort());
        assertEquals("managed", ConfigLoader.parseServer("nginx: {mode: managed, https_port: 9443}\n", SRC).nginx().mode());
    }

    @Test
    void systemNginxMistakesAtOnce() {
        assertEquals(List.of(
                SRC + ": nginx.https_port: must differ from nginx.port (8080): one port cannot serve both HTTP and HTTPS",
                SRC + ": nginx.mode: \"sytem\" is not a mode: managed (the default: Sortie runs its own nginx) or system (Sortie writes "
                        + "its sites into the system nginx's sites_dir)",
                SRC + ": nginx.sites_dir: only applies with mode: system (the managed nginx keeps its files under $SORTIE_HOME/nginx)"),
                problemsOf("nginx: {port: 8080, https_port: 8080, mode: sytem, sites_dir: /etc/nginx/sites-enabled}\n"));
        assertEquals(List.of(SRC + ": nginx.sites_dir: is required with mode system: the directory the system nginx includes sites "
                + "from (e.g. /etc/nginx/sites-enabled)"), problemsOf("nginx: {mode: system}\n"));
        assertEquals(List.of(
                SRC + ": nginx.https_port: 70000 is not a port number (1-65535)",
                SRC + ": nginx.sites_dir: must be an absolute path, got \"sites-enabled\"",
                SRC + ": nginx.pid_file: must be an absolute path, got \"nginx.pid\""),
                problemsOf("nginx: {mode: system, sites_dir: sites-enabled, pid_file: nginx.pid, https_port: 70000}\n"));
    }

    @Test
    void badLogSize() {
        assertEquals(List.of(SRC + ": logs.max_size: \"10 megs\" is not a valid size (use 10MB, 512KB, 1GB or a number of bytes)"),
                problemsOf("logs: {max_size: 10 megs}\n"));
        assertEquals(List.of(SRC + ": logs.max_size: \"1.5MB\" is not a valid size (use 10MB, 512KB, 1GB or a number of bytes)"),
                problemsOf("logs: {max_size: 1.5MB}\n"));
    }

    @Test
    void keepReleasesUpperBound() {
        assertEquals(List.of(SRC + ": keep_releases: must be between 1 and 1000, got 1001"), problemsOf("keep_releases: 1001\n"));
        assertEquals(1000, ConfigLoader.parseServer("keep_releases: 1000\n", SRC).keepReleases());
    }

    @Test
    void duplicateServerKey() {
        assertEquals(List.of(SRC + ": drain: duplicate key, on line 1 and again on line 2; keep one (YAML would silently take the last)"),
                problemsOf("drain: 1s\ndrain: 2s\n"));
    }

    @Test
    void oversizedServerFileIsRefusedBeforeItIsRead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sortie.yml");
        Files.writeString(file, "drain: 1s\n# " + "x".repeat(2 * 1024 * 1024) + "\n");
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.loadServer(file));
        assertEquals(file + ": the file is 2.0 MiB, over the 1 MiB limit for a config file; it should hold settings only", e.getMessage());
    }

    @Test
    void serverTabErrorLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("sortie.yml"), "nginx:\n  port: 9000\ndrain: 1s\n\tstandby: 1s\n");
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.loadServer(file));
        assertEquals(file + ": not valid YAML at line 4, column 1: a tab cannot indent YAML; indent with spaces", e.getMessage());
    }

    @Test
    void appSettingsRoundTrip(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(AppSettings.FILE_NAME);
        assertEquals(AppSettings.defaults(), AppSettings.load(file));
        AppSettings s = AppSettings.defaults().with("reject_failed_pushes", "true").with("keep_releases", "7").with("standby", "1.5m");
        s.save(file);
        assertEquals("# Written by sortie apps set; one key a line.\nreject_failed_pushes: true\nkeep_releases: 7\nstandby: 1m30s\n",
                Files.readString(file));
        assertEquals(s, AppSettings.load(file));
        assertEquals(new AppSettings(true, 7, Duration.ofSeconds(90), null), s);
    }

    @Test
    void appSettingsCollectProblems(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve(AppSettings.FILE_NAME), "reject_failed_pushes: maybe\nkeep_releases: 0\nstandbye: 5s\n");
        var e = assertThrows(ConfigException.class, () -> AppSettings.load(file));
        assertEquals(List.of(
                file + ": reject_failed_pushes: expected true or false, got text \"maybe\"",
                file + ": keep_releases: must be between 1 and 1000, got 0",
                file + ": standbye: unknown key (did you mean standby?); known keys here: instances, keep_releases, reject_failed_pushes, standby"),
                e.problems());
    }
}
