package dev.sortie.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sortie.exec.Command;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NginxCommandsTest {

    private final Path prefix = Path.of("/srv/sortie/nginx");
    private final NginxCommands nginx = new NginxCommands("nginx", prefix);

    @Test
    void paths() {
        assertEquals(Path.of("/srv/sortie/nginx/nginx.conf"), nginx.config());
        assertEquals(Path.of("/srv/sortie/nginx/logs/error.log"), nginx.errorLog());
        assertEquals(Path.of("/srv/sortie/nginx/nginx.pid"), nginx.pidFile());
    }

    @Test
    void start() {
        Command c = nginx.start(false, false);
        assertEquals(List.of("nginx", "-p", "/srv/sortie/nginx/", "-c", "/srv/sortie/nginx/nginx.conf",
                "-e", "/srv/sortie/nginx/logs/error.log"), c.argv());
        assertEquals(prefix, c.workDir());
        assertEquals(Map.of(), c.env());
    }

    @Test
    void underTheSystemInstallsDaemonNginxKeepsOnlyTheCapabilityToBindLowPorts() {
        Command c = nginx.start(true, true);
        assertEquals(List.of("setpriv", "--inh-caps=-all,+net_bind_service", "--ambient-caps=-all,+net_bind_service", "--",
                "nginx", "-p", "/srv/sortie/nginx/", "-c", "/srv/sortie/nginx/nginx.conf", "-e", "/srv/sortie/nginx/logs/error.log"), c.argv());
        assertEquals(List.of("setpriv", "--inh-caps=-all", "--ambient-caps=-all", "--"), nginx.start(true, false).argv().subList(0, 4),
                "a daemon without the capability to bind low ports gives nginx none");
    }

    @Test
    void test() {
        Command c = nginx.test();
        assertEquals(List.of("nginx", "-t", "-q", "-p", "/srv/sortie/nginx/", "-c", "/srv/sortie/nginx/nginx.conf",
                "-e", "stderr"), c.argv());
        assertEquals(prefix, c.workDir());
    }

    @Test
    void reload() {
        Command c = nginx.signal("reload");
        assertEquals(List.of("nginx", "-p", "/srv/sortie/nginx/", "-c", "/srv/sortie/nginx/nginx.conf",
                "-e", "/srv/sortie/nginx/logs/error.log", "-s", "reload"), c.argv());
        assertEquals(prefix, c.workDir());
    }

    @Test
    void quitWithAnotherBinary() {
        Command c = new NginxCommands("/usr/sbin/nginx", Path.of("/home/me/.sortie/nginx")).signal("quit");
        assertEquals(List.of("/usr/sbin/nginx", "-p", "/home/me/.sortie/nginx/", "-c", "/home/me/.sortie/nginx/nginx.conf",
                "-e", "/home/me/.sortie/nginx/logs/error.log", "-s", "quit"), c.argv());
    }
}
