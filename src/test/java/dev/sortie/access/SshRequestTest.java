package dev.sortie.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.SortieHome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SshRequestTest {

    static final Path USER_HOME = Path.of("/home/sortie");
    static final SortieHome HOME = new SortieHome(USER_HOME.resolve(".sortie"));

    static SshRequest parse(String command) {
        return SshRequest.parse(command, HOME, USER_HOME);
    }

    @Test
    void everyFormGitSendsForAnAppsRepo() {
        for (String path : List.of("'shop'", "'shop.git'", "'/shop'", "'/shop.git'", "'shop/'", "'~/shop'",
                "'/home/sortie/.sortie/apps/shop/repo.git'", "'/home/sortie/.sortie/apps/shop/repo.git/'",
                "'~/.sortie/apps/shop/repo.git'", "shop")) {
            assertEquals(new SshRequest.Git("git-receive-pack", "shop"), parse("git-receive-pack " + path), path);
            assertEquals(new SshRequest.Git("git-upload-pack", "shop"), parse("git-upload-pack " + path), path);
        }
    }

    @Test
    void pathsThatAreNotAnAppsRepo() {
        for (String path : List.of("/etc/passwd", "/home/sortie/.sortie/apps/shop", "/home/sortie/.sortie/apps/shop/releases",
                "/home/other/.sortie/apps/shop/repo.git", "~/../other/.sortie/apps/shop/repo.git", "../shop", "..", "Shop", "shop.git.git",
                "/home/sortie/.sortie/apps/../apps/sh--op/repo.git", "~/.sortie/apps/x/../../../../etc/repo.git", "")) {
            assertNull(SshRequest.app(path, HOME, USER_HOME), path);
        }
        assertEquals("shop", SshRequest.app("/home/sortie/.sortie/apps/x/../shop/repo.git", HOME, USER_HOME));
    }

    @Test
    void sortieCommandsAreWords() {
        assertEquals(new SshRequest.Sortie(List.of("apps", "list")), parse("apps list"));
        assertEquals(new SshRequest.Sortie(List.of("config", "set", "shop", "K=some value")), parse("config set shop 'K=some value'"));
        assertEquals(new SshRequest.Sortie(List.of("logs", "shop", "-f")), parse("logs shop -f"));
        assertEquals(new SshRequest.Sortie(List.of("rollback", "shop")), parse("rollback shop"));
        assertEquals(new SshRequest.Sortie(List.of("deploys")), parse("deploys"));
        assertEquals(new SshRequest.Sortie(List.of("--help")), parse("--help"));
    }

    @Test
    void refusals() {
        assertRefused(null, "no interactive shell");
        assertRefused("", "no interactive shell");
        assertRefused("  ", "no interactive shell");
        assertRefused("sh -c id", "sh is not something this key can run");
        assertRefused("bash", "bash is not something");
        assertRefused("git-upload-archive 'shop'", "git-upload-archive is not something");
        assertRefused("scp -t /tmp", "scp is not something");
        assertRefused("/usr/lib/openssh/sftp-server", "is not something");
        assertRefused("ssh-shell alice", "ssh-shell is not something");
        assertRefused("git-hook shop refs/heads/main", "git-hook is not something");
        assertRefused("deploy-worker", "deploy-worker is not something");
        assertRefused("server stop", "server is not something");
        assertRefused("--stacktrace apps list", "options before a command");
        assertRefused("git-receive-pack 'shop' 'blog'", "takes one repository, got 2");
        assertRefused("git-receive-pack", "takes one repository, got 0");
        assertRefused("git-receive-pack '/etc/passwd'", "/etc/passwd is not an app's repository");
        assertRefused("git-receive-pack 'shop'; id", "';' is not allowed");
        assertRefused("apps list && sh", "'&' is not allowed");
        assertRefused("config set shop K=$(id)", "'$' is not allowed");
    }

    private static void assertRefused(String command, String expected) {
        SshRequest.Refused r = assertInstanceOf(SshRequest.Refused.class, parse(command), String.valueOf(command));
        assertTrue(r.reason().contains(expected), command + ": " + r.reason());
    }
}
