package dev.sortie.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sortie.nginx.NginxWorkers.Role;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class NginxWorkersTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void titleIsArgvZeroUpToTheFirstNul() {
        assertEquals("nginx: worker process", NginxWorkers.title(bytes("nginx: worker process\0\0\0\0\0\0\0\0")));
        assertEquals("nginx: worker process is shutting down",
                NginxWorkers.title(bytes("nginx: worker process is shutting down\0\0\0")));
        assertEquals("nginx: master process /usr/sbin/nginx -p /srv/sortie/nginx/ -c /srv/sortie/nginx/nginx.conf",
                NginxWorkers.title(bytes("nginx: master process /usr/sbin/nginx -p /srv/sortie/nginx/ -c /srv/sortie/nginx/nginx.conf")));
        assertEquals("java", NginxWorkers.title(bytes("java\0-cp\0x.jar\0")));
        assertEquals("", NginxWorkers.title(new byte[0]));
        assertEquals("", NginxWorkers.title(bytes("\0\0")));
    }

    @Test
    void roles() {
        assertEquals(Role.WORKER, NginxWorkers.role("nginx: worker process"));
        assertEquals(Role.SHUTTING_DOWN, NginxWorkers.role("nginx: worker process is shutting down"));
        assertEquals(Role.HELPER, NginxWorkers.role("nginx: cache manager process"));
        assertEquals(Role.HELPER, NginxWorkers.role("nginx: cache loader process"));
        assertEquals(Role.STARTING, NginxWorkers.role("nginx: master process /usr/sbin/nginx -p /srv/sortie/nginx/"));
        assertEquals(Role.GONE, NginxWorkers.role(""));
    }

    @Test
    void rolesOfRealProcesses() {
        assertEquals(Role.STARTING, NginxWorkers.role(ProcessHandle.current().pid()), "a process that is no nginx worker");
        assertEquals(Role.GONE, NginxWorkers.role(Long.MAX_VALUE));
    }

    @Test
    void withoutAMasterThereIsNothingToWaitFor() {
        assertEquals(Optional.of("no nginx master running"), NginxWorkers.waitingFor(NginxWorkers.Snapshot.NONE, Optional.empty()));
        assertEquals(new NginxWorkers.Snapshot(Optional.empty(), Set.of()), NginxWorkers.of(Optional.empty()));
    }

    @Test
    void aMasterWithoutNewWorkersIsWaitedFor() {
        // This JVM as the "master": its children (none here) are no nginx workers.
        long self = ProcessHandle.current().pid();
        assertEquals(Optional.of("master " + self + " has no new worker yet"),
                NginxWorkers.waitingFor(NginxWorkers.of(Optional.of(self)), Optional.of(self)));
    }
}
