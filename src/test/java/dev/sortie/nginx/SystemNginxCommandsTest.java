package dev.sortie.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sortie.config.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The system nginx's argv, its site file names, and where its pid file is found; no I/O. */
class SystemNginxCommandsTest {

    private final Path sites = Path.of("/etc/nginx/sites-enabled");

    @Test
    void defaultConfig() {
        var c = new SystemNginxCommands("nginx", Optional.empty(), sites);
        assertEquals(List.of("nginx", "-t", "-q", "-e", "stderr"), c.test().argv());
        assertEquals(List.of("nginx", "-e", "stderr", "-s", "reload"), c.signal("reload").argv());
        assertEquals(List.of("nginx", "-T", "-q", "-e", "stderr"), c.dump().argv());
        assertEquals(List.of("nginx", "-V"), c.version().argv());
        assertEquals(sites, c.test().workDir());
    }

    @Test
    void givenConfig() {
        var c = new SystemNginxCommands("/usr/sbin/nginx", Optional.of(Path.of("/srv/etc/nginx/nginx.conf")), sites);
        assertEquals(List.of("/usr/sbin/nginx", "-t", "-q", "-e", "stderr", "-c", "/srv/etc/nginx/nginx.conf"), c.test().argv());
        assertEquals(List.of("/usr/sbin/nginx", "-e", "stderr", "-c", "/srv/etc/nginx/nginx.conf", "-s", "reload"),
                c.signal("reload").argv());
    }

    @Test
    void siteFilesAreRecognisablySorties() {
        var nginx = new SystemNginx(Path.of("/var/lib/sortie"),
                new ServerConfig.Nginx("0.0.0.0", 80, "nginx", "system", "/etc/nginx/sites-enabled", 443));
        assertEquals("sortie-shop.conf", nginx.siteFileName("shop"));
        assertEquals(Path.of("/etc/nginx/sites-enabled/sortie-shop.conf"), new SiteSwitch(nginx).siteFile("shop"));
        assertEquals(Path.of("/var/lib/sortie/templates"), nginx.templatesDir());
        assertEquals(443, nginx.httpsPort());
        assertEquals("shop.conf", new ManagedNginx(Path.of("/h"), Path.of("/h/nginx"), new ServerConfig.Nginx("127.0.0.1", 8480, "nginx"))
                .siteFileName("shop"));
    }

    @Test
    void givenPidFileIsUsedAsIs() {
        var nginx = new SystemNginx(Path.of("/h"), new ServerConfig.Nginx("127.0.0.1", 80, "/nonexistent/nginx", "system", "/tmp", 443,
                null, "/srv/run/nginx.pid"));
        assertEquals(Path.of("/srv/run/nginx.pid"), nginx.pidFile());
    }

    @Test
    void pidFileFromTheDumpedConfigThenFromTheBuild() {
        String dump = """
                # configuration file /etc/nginx/nginx.conf:
                user www-data;
                worker_processes auto;
                # pid /var/run/old.pid;
                pid /run/nginx.pid;
                include /etc/nginx/modules-enabled/*.conf;
                """;
        assertEquals(Optional.of(Path.of("/run/nginx.pid")), SystemNginx.pidDirective(dump));
        assertEquals(Optional.empty(), SystemNginx.pidDirective("worker_processes 1;\npid logs/nginx.pid;\n"));
        assertEquals(Optional.of(Path.of("/run/nginx.pid")), SystemNginx.pidPath(
                "configure arguments: --prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf --pid-path=/run/nginx.pid --lock-path=x"));
        // a binary that cannot run: nothing found, the Debian default
        var nginx = new SystemNginx(Path.of("/h"), new ServerConfig.Nginx("127.0.0.1", 80, "/nonexistent/nginx", "system", "/tmp", 443));
        assertEquals(SystemNginx.DEFAULT_PID_FILE, nginx.pidFile());
    }
}
