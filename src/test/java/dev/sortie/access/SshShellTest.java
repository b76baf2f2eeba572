package dev.sortie.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.SortieHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rights checks of ssh-shell: which key may run what. */
class SshShellTest {

    @TempDir
    Path tmp;

    SortieHome home;
    SshShell shell;

    @BeforeEach
    void keys() throws Exception {
        home = new SortieHome(tmp.resolve("home"));
        for (String app : List.of("shop", "blog")) {
            Files.createDirectories(home.repo(app));
        }
        SshKeys keys = new SshKeys(home, tmp.resolve("authorized_keys"), List.of("sortie"));
        keys.add("shopper", TestKeys.ALICE, new KeyRights(List.of("shop"), false, false));
        keys.add("everything", TestKeys.BOB, new KeyRights(List.of(), true, false));
        keys.add("boss", TestKeys.CAROL, new KeyRights(List.of(), false, true));
        shell = new SshShell(home, tmp);
    }

    @Test
    void aKeyPushesAndFetchesOnlyItsApps() throws Exception {
        assertEquals(new SshRequest.Git("git-receive-pack", "shop"), shell.decide("shopper", "git-receive-pack 'shop'"));
        assertEquals(new SshRequest.Git("git-upload-pack", "shop"), shell.decide("shopper", "git-upload-pack '/shop.git'"));
        assertRefused("shopper", "git-receive-pack 'blog'", "key shopper may not push or fetch blog (its rights: apps: shop)");
        assertRefused("shopper", "git-upload-pack 'blog'", "key shopper may not push or fetch blog");
        assertEquals(new SshRequest.Git("git-receive-pack", "blog"), shell.decide("everything", "git-receive-pack 'blog'"));
        assertEquals(new SshRequest.Git("git-receive-pack", "blog"), shell.decide("boss", "git-receive-pack 'blog'"));
        assertRefused("everything", "git-receive-pack 'nope'", "no app named nope");
    }

    @Test
    void onlyAdminKeysRunSortieCommands() throws Exception {
        assertEquals(new SshRequest.Sortie(List.of("apps", "list")), shell.decide("boss", "apps list"));
        assertEquals(new SshRequest.Sortie(List.of("config", "set", "shop", "K=V")), shell.decide("boss", "config set shop K=V"));
        assertRefused("shopper", "apps list", "key shopper may push and fetch but not run sortie commands (apps needs an admin key");
        assertRefused("everything", "deploys", "not run sortie commands");
        assertRefused("boss", "server stop", "server is not something this key can run");
        assertRefused("boss", "", "no interactive shell");
        assertRefused("boss", "sh -c id", "sh is not something");
    }

    @Test
    void anUnknownKeyRunsNothing() throws Exception {
        assertRefused("mallory", "git-receive-pack 'shop'", "no key named mallory");
        assertRefused("../boss", "apps list", "no key named ../boss");
    }

    @Test
    void theGitServiceGetsTheReposPathAsOneArgument() {
        assertEquals(List.of("git-receive-pack", home.repo("shop").toString()), shell.gitArgv(new SshRequest.Git("git-receive-pack", "shop")));
    }

    @Test
    void eachDecisionIsLoggedWithTheKeysName() throws Exception {
        shell.record("shopper", "git-receive-pack 'blog'", shell.decide("shopper", "git-receive-pack 'blog'"));
        shell.record("boss", "apps list", shell.decide("boss", "apps list"));
        List<String> log = Files.readAllLines(shell.log());
        assertEquals(2, log.size());
        assertTrue(log.get(0).matches("\\S+Z key=shopper command=\"git-receive-pack 'blog'\" refused: key shopper may not push.*"), log.get(0));
        assertTrue(log.get(1).endsWith(" key=boss command=\"apps list\" allowed: sortie apps list"), log.get(1));
    }

    private void assertRefused(String key, String command, String expected) throws Exception {
        SshRequest.Refused r = assertInstanceOf(SshRequest.Refused.class, shell.decide(key, command), command);
        assertTrue(r.reason().contains(expected), r.reason());
    }
}
