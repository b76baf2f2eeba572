package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.PrivateSshd;
import dev.sortie.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushing over SSH with per-key rights: a real OpenSSH sshd of the test's own on a loopback port reads the
 * authorized_keys file {@code sortie ssh-keys} writes (named by {@code ssh: {authorized_keys}}), and a real
 * git pushes through it. Keys: alice may push shop, bob only blog, boss is an admin.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class SshE2ETest {

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static PrivateSshd sshd;
    static Path authorizedKeys;
    static Path alice;
    static Path bob;
    static Path boss;
    static Path project;
    static String blogCreated;

    @BeforeAll
    static void keysAndSshd() throws Exception {
        sortie = new InstalledSortie(tmp);
        authorizedKeys = tmp.resolve("ssh/authorized_keys");
        Files.writeString(sortie.home.resolve("sortie.yml"), "ssh: {authorized_keys: " + authorizedKeys + "}\n",
                java.nio.file.StandardOpenOption.APPEND);
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        alice = PrivateSshd.keygen(keys.resolve("alice"));
        bob = PrivateSshd.keygen(keys.resolve("bob"));
        boss = PrivateSshd.keygen(keys.resolve("boss"));
        // a line of the user's own, which Sortie must leave exactly as it is
        Files.createDirectories(authorizedKeys.getParent());
        String bossKey = Files.readString(keys.resolve("boss.pub")).strip();
        Files.writeString(authorizedKeys, "# mine\n" + bossKey.substring(0, bossKey.lastIndexOf(' ')) + " not-sortie\n");
        sortie.sortie("apps", "create", "shop").assertOk();
        addKey("alice", alice, "--apps", "shop").assertOk();
        Proc.Result warned = addKey("boss", boss, "--admin");
        warned.assertOk();
        assertTrue(warned.output().contains("line 2 of " + authorizedKeys + " (not Sortie's) holds the same key"), warned.output());
        // the user's own line held boss's key too (sshd would take it first): comment it out, as the warning says
        List<String> lines = new ArrayList<>(Files.readAllLines(authorizedKeys));
        lines.set(1, "# " + lines.get(1));
        Files.write(authorizedKeys, lines);
        blogCreated = sortie.sortie("apps", "create", "blog").assertOk().output();
        addKey("bob", bob, "--apps", "blog").assertOk();
        sshd = new PrivateSshd(tmp.resolve("sshd"), authorizedKeys);
        project = sortie.project(FaultsE2ETest.fixture("plain"), "shop", "shop");
    }

    @AfterAll
    static void stop() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
        if (sortie != null) {
            sortie.close();
        }
    }

    static Proc.Result addKey(String name, Path key, String... rights) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "exec \"$0\" ssh-keys add \"$@\" < \"$KEY\"", InstalledSortie.bin().toString(),
                name));
        argv.addAll(List.of(rights));
        return Proc.run(sortie.work, Map.of("SORTIE_HOME", sortie.home.toString(), "KEY", key + ".pub"), 120, argv);
    }

    /** git with GIT_SSH_COMMAND using {@code key}. */
    static Proc.Result git(Path key, boolean withPort, Path dir, String... args) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>();
        env.put("GIT_SSH_COMMAND", sshd.gitSshCommand(key, withPort));
        env.put("GIT_TERMINAL_PROMPT", "0");
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        return Proc.run(dir, env, 240, argv);
    }

    /** {@code ssh USER@127.0.0.1 ARGS...} with {@code key}. */
    static Proc.Result ssh(Path key, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(sshd.ssh(key, true));
        argv.add(sshd.user + "@127.0.0.1");
        argv.addAll(List.of(args));
        return Proc.run(tmp, Map.of(), 120, argv);
    }

    static String sshLog() throws IOException {
        Path log = sortie.home.resolve("run/ssh.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    static String live(String app) throws IOException {
        Path current = sortie.home.resolve("apps/" + app + "/current");
        return Files.isSymbolicLink(current) ? Files.readSymbolicLink(current).getFileName().toString() : "(none)";
    }

    static String branchOf(String app) throws IOException, InterruptedException {
        Proc.Result r = sortie.git(sortie.home, "--git-dir", sortie.home.resolve("apps/" + app + "/repo.git").toString(), "rev-parse",
                "--verify", "-q", "refs/heads/main");
        return r.exit() == 0 ? r.output().strip() : "(none)";
    }

    @Test
    @Order(1)
    void keysAreListedWithFingerprintAndRightsAndTheUsersOwnLinesStay() throws Exception {
        String list = sortie.sortie("ssh-keys", "list").assertOk().output();
        String fingerprint = Proc.run(tmp, Map.of(), 30, List.of("ssh-keygen", "-l", "-f", alice + ".pub")).assertOk().output().split(" ")[1];
        assertTrue(list.matches("(?s).*alice +" + Pattern.quote(fingerprint) + " +apps: shop\n.*"), list);
        assertTrue(list.matches("(?s).*boss +SHA256:\\S+ +admin.*"), list);
        assertTrue(list.matches("(?s).*bob +SHA256:\\S+ +apps: blog\n.*"), list);
        List<String> lines = Files.readAllLines(authorizedKeys);
        assertEquals("# mine", lines.get(0));
        assertTrue(lines.get(1).startsWith("# ssh-ed25519 ") && lines.get(1).endsWith(" not-sortie"), lines.get(1));
        assertEquals(5, lines.size(), String.join("\n", lines));
        for (String line : lines.subList(2, 5)) {
            assertTrue(line.startsWith("restrict,command=\"SORTIE_HOME=") && line.contains(" ssh-shell "), line);
        }
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(authorizedKeys)));
        // with keys, apps create names the short remote too
        String host = java.net.InetAddress.getLocalHost().getHostName();
        assertTrue(blogCreated.contains("git remote add production " + sshd.user + "@" + host + ":blog "), blogCreated);
    }

    @Test
    @Order(2)
    void aKeyWithRightsPushesAndIsRecordedAsThePusher() throws Exception {
        git(alice, true, project, "remote", "add", "ssh", sshd.user + "@127.0.0.1:shop").assertOk();
        Proc.Result push = git(alice, true, project, "push", "ssh", "main");
        push.assertOk();
        assertTrue(push.output().contains("remote: -----> "), push.output());
        Proc.Result body = sortie.curl(sortie.url("shop"));
        assertTrue(body.output().endsWith("\n200"), body.output());

        String deploys = sortie.sortie("deploys", "shop").assertOk().output();
        assertTrue(deploys.matches("(?s).* push by alice\n.*"), deploys);
        String show = sortie.sortie("releases", "show", "shop", live("shop")).assertOk().output();
        assertTrue(show.matches("(?s).*\\bby +alice\n.*"), show);
        assertTrue(sshLog().contains("key=alice command=\"git-receive-pack 'shop'\" allowed: git-receive-pack shop"), sshLog());
    }

    @Test
    @Order(3)
    void theSshUrlAndTheReposFullPathWorkToo() throws Exception {
        Files.writeString(project.resolve("message.txt"), "over ssh://\n");
        git(alice, false, project, "commit", "-qam", "v2").assertOk();
        String url = "ssh://" + sshd.user + "@127.0.0.1:" + sshd.port + "/shop.git";
        git(alice, false, project, "push", url, "main").assertOk();
        assertEquals("over ssh://", get("/"));
        Files.writeString(project.resolve("message.txt"), "by full path\n");
        git(alice, false, project, "commit", "-qam", "v3").assertOk();
        git(alice, true, project, "push", sshd.user + "@127.0.0.1:" + sortie.home.resolve("apps/shop/repo.git"), "main").assertOk();
        assertEquals("by full path", get("/"));
        // and fetching: a clone over SSH
        Proc.Result clone = git(alice, true, tmp, "clone", "-q", sshd.user + "@127.0.0.1:shop", tmp.resolve("clone").toString());
        clone.assertOk();
        assertEquals("by full path\n", Files.readString(tmp.resolve("clone/message.txt")));
    }

    @Test
    @Order(4)
    void aKeyWithoutRightsForTheAppIsRefusedAndTheAppStaysAsItWas() throws Exception {
        String liveBefore = live("shop");
        String branchBefore = branchOf("shop");
        Files.writeString(project.resolve("message.txt"), "bob was here\n");
        git(bob, true, project, "commit", "-qam", "bob").assertOk();
        Proc.Result push = git(bob, true, project, "push", sshd.user + "@127.0.0.1:shop", "main");
        assertNotEquals(0, push.exit(), push.output());
        assertTrue(push.output().contains("sortie: refused for key bob: key bob may not push or fetch shop (its rights: apps: blog)"),
                push.output());
        assertEquals(liveBefore, live("shop"));
        assertEquals(branchBefore, branchOf("shop"));
        assertEquals("by full path", get("/"));
        assertTrue(sshLog().contains("key=bob command=\"git-receive-pack 'shop'\" refused: key bob may not push or fetch shop"), sshLog());
        // nor may it fetch it
        Proc.Result clone = git(bob, true, tmp, "clone", "-q", sshd.user + "@127.0.0.1:shop", tmp.resolve("bobs-clone").toString());
        assertNotEquals(0, clone.exit(), clone.output());
        assertFalse(Files.exists(tmp.resolve("bobs-clone/message.txt")));
        git(bob, true, project, "reset", "-q", "--hard", "HEAD~1").assertOk();
    }

    @Test
    @Order(5)
    void anAdminKeyRunsSortieCommandsAsItself() throws Exception {
        Proc.Result list = ssh(boss, "apps", "list");
        list.assertOk();
        assertTrue(list.output().matches("(?s)APP .*\nblog +\\(not deployed\\).*\nshop +" + live("shop") + " .*"), list.output());

        Proc.Result set = ssh(boss, "config", "set", "shop", "GREETING='hello from boss'");
        set.assertOk();
        assertTrue(set.output().contains("deploying a config change"), set.output());
        assertEquals("hello from boss", get("/config"));
        String deploys = sortie.sortie("deploys", "shop").assertOk().output();
        assertTrue(deploys.matches("(?s).* config by boss\n.*"), deploys);
        assertTrue(sortie.sortie("releases", "show", "shop", live("shop")).assertOk().output().matches("(?s).*\\bby +boss\n.*"));

        Proc.Result deploysOverSsh = ssh(boss, "deploys", "shop");
        deploysOverSsh.assertOk();
        assertTrue(deploysOverSsh.output().contains("push by alice"), deploysOverSsh.output());
    }

    @Test
    @Order(6)
    void aKeyThatIsNotAdminRunsNoSortieCommand() throws Exception {
        Proc.Result list = ssh(alice, "apps", "list");
        assertEquals(1, list.exit(), list.output());
        assertTrue(list.output().contains("sortie: refused for key alice: key alice may push and fetch but not run sortie commands"),
                list.output());
        assertFalse(list.output().contains("APP"), list.output());
        assertTrue(sshLog().contains("key=alice command=\"apps list\" refused:"), sshLog());
    }

    @Test
    @Order(7)
    void noShellNoOtherCommandNoServerCommandEvenForAdmin() throws Exception {
        Proc.Result shell = ssh(boss);
        assertEquals(1, shell.exit(), shell.output());
        assertTrue(shell.output().contains("sortie: refused for key boss: no interactive shell here"), shell.output());
        Proc.Result tty = Proc.run(tmp, Map.of(), 60, concat(sshd.ssh(boss, true), "-tt", sshd.user + "@127.0.0.1"));
        // restrict: no terminal either (ssh -tt gives up when sshd refuses one)
        assertNotEquals(0, tty.exit(), tty.output());
        assertTrue(tty.output().contains("PTY allocation request failed"), tty.output());

        for (String[] command : List.of(new String[] {"sh -c id"}, new String[] {"id"}, new String[] {"apps list; id"},
                new String[] {"server", "stop"}, new String[] {"ssh-shell", "alice"})) {
            Proc.Result r = ssh(boss, command);
            assertEquals(1, r.exit(), r.output());
            assertTrue(r.output().contains("sortie: refused for key boss: "), r.output());
            assertFalse(r.output().contains("uid="), r.output());
        }
        assertTrue(sortie.sortie("deploys").assertOk().output().contains("shop"), "the server still runs");
        String log = sshLog();
        assertTrue(log.contains("key=boss command=(none) refused: no interactive shell"), log);
        assertTrue(log.contains("key=boss command=\"sh -c id\" refused: sh is not something this key can run"), log);
        assertTrue(log.contains("key=boss command=\"apps list; id\" refused: ';' is not allowed"), log);
        // sftp and scp are other commands, so refused too
        Proc.Result scp = Proc.run(tmp, Map.of(), 60, List.of("scp", "-F", "/dev/null", "-i", boss.toString(), "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + sshd.dir.resolve("known_hosts"), "-P", String.valueOf(sshd.port),
                "-O", sshd.user + "@127.0.0.1:/etc/hostname", tmp.resolve("stolen").toString()));
        assertNotEquals(0, scp.exit(), scp.output());
        assertFalse(Files.exists(tmp.resolve("stolen")));
    }

    @Test
    @Order(8)
    void portForwardingIsRefused() throws Exception {
        // -W asks sshd to open a TCP connection for us (a local forward): restrict refuses the channel
        Proc.Result local = Proc.run(tmp, Map.of(), 60, concat(sshd.ssh(boss, true), "-W", "127.0.0.1:" + sortie.nginxPort,
                sshd.user + "@127.0.0.1"));
        assertNotEquals(0, local.exit(), local.output());
        assertTrue(local.output().contains("administratively prohibited"), local.output());
        // -R asks sshd to listen for us (a remote forward)
        Proc.Result remote = Proc.run(tmp, Map.of(), 60, concat(sshd.ssh(boss, true), "-o", "ExitOnForwardFailure=yes", "-N",
                "-R", "127.0.0.1:0:127.0.0.1:" + sortie.nginxPort, sshd.user + "@127.0.0.1"));
        assertNotEquals(0, remote.exit(), remote.output());
        assertTrue(remote.output().contains("remote port forwarding failed"), remote.output());
    }

    @Test
    @Order(9)
    void aFollowedLogEndsWhenTheClientGoesAway() throws Exception {
        // sshd sends no signal to a command without a terminal when its client leaves: ssh-shell has to notice
        Path out = tmp.resolve("follow.out");
        Process client = new ProcessBuilder(concat(sshd.ssh(boss, true), sshd.user + "@127.0.0.1", "logs", "shop", "-f"))
                .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            dev.sortie.testing.Await.until("the followed log over SSH", () -> read(out).contains("[sortie "));
            List<ProcessHandle> shells = sshd.descendants().filter(p -> p.info().commandLine().orElse("").contains("Launcher ssh-shell boss"))
                    .toList();
            assertEquals(1, shells.size(), "one ssh-shell for the followed log");
            assertTrue(client.isAlive() && shells.getFirst().isAlive(), read(out));
            client.destroyForcibly().waitFor();
            dev.sortie.testing.Await.until("ssh-shell " + shells.getFirst().pid() + " to end after its client went away",
                    () -> !shells.getFirst().isAlive());
        } finally {
            client.destroyForcibly();
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    @Order(10)
    void removingAKeyEndsItsAccess() throws Exception {
        sortie.sortie("ssh-keys", "remove", "alice").assertOk();
        Proc.Result push = git(alice, true, project, "push", "ssh", "main");
        assertNotEquals(0, push.exit(), push.output());
        assertTrue(push.output().contains("Permission denied (publickey)"), push.output());
        List<String> lines = Files.readAllLines(authorizedKeys);
        assertEquals(4, lines.size());
        assertEquals("# mine", lines.getFirst());
        assertFalse(sortie.sortie("ssh-keys", "list").assertOk().output().contains("alice"));
        Proc.Result again = sortie.sortie("ssh-keys", "remove", "alice");
        assertEquals(4, again.exit(), again.output());
    }

    @Test
    @Order(11)
    void anAdminKeyRollsBackOverSsh() throws Exception {
        String before = live("shop");
        Proc.Result rollback = ssh(boss, "rollback", "shop");
        rollback.assertOk();
        assertTrue(rollback.output().contains("is live at"), rollback.output());
        assertNotEquals(before, live("shop"), "a new release, of the previous one's files");
        String deploys = sortie.sortie("deploys", "shop").assertOk().output();
        assertTrue(deploys.matches("(?s).* rollback by boss\n.*"), deploys);
        assertTrue(sshLog().contains("key=boss command=\"rollback shop\" allowed"), sshLog());
    }

    @Test
    @Order(12)
    void aKeyForSeveralAppsAndAKeyForEveryAppEvenOnesMadeLater() throws Exception {
        Path keys = tmp.resolve("keys");
        Path carol = PrivateSshd.keygen(keys.resolve("carol"));
        Path dave = PrivateSshd.keygen(keys.resolve("dave"));
        addKey("carol", carol, "--apps", "shop,blog").assertOk();
        Proc.Result all = addKey("dave", dave, "--all");
        all.assertOk();
        assertTrue(all.output().contains("Added key dave (SHA256:") && all.output().contains("): all apps."), all.output());
        String list = sortie.sortie("ssh-keys", "list").assertOk().output();
        assertTrue(list.matches("(?s).*carol +SHA256:\\S+ +apps: shop, blog\n.*"), list);
        assertTrue(list.matches("(?s).*dave +SHA256:\\S+ +all apps\n.*"), list);
        sortie.sortie("apps", "create", "later").assertOk();
        for (String app : List.of("shop", "blog")) {
            git(carol, true, tmp, "ls-remote", sshd.user + "@127.0.0.1:" + app).assertOk();
        }
        Proc.Result refused = git(carol, true, tmp, "ls-remote", sshd.user + "@127.0.0.1:later");
        assertNotEquals(0, refused.exit(), refused.output());
        assertTrue(refused.output().contains("sortie: refused for key carol: key carol may not push or fetch later (its rights: apps: shop, blog)"),
                refused.output());
        git(dave, true, tmp, "ls-remote", sshd.user + "@127.0.0.1:later").assertOk();
        Proc.Result noCommands = ssh(dave, "apps", "list");
        assertNotEquals(0, noCommands.exit(), "--all is not --admin: " + noCommands.output());
        sortie.sortie("ssh-keys", "remove", "carol").assertOk();
        sortie.sortie("ssh-keys", "remove", "dave").assertOk();
        sortie.sortie("apps", "destroy", "later", "--force").assertOk();
    }

    static String get(String path) throws IOException, InterruptedException {
        String url = sortie.url("shop");
        Proc.Result r = sortie.curl(url.substring(0, url.length() - 1) + path);
        Matcher m = Pattern.compile("(?s)(.*)\n(\\d{3})$").matcher(r.output());
        assertTrue(m.matches() && m.group(2).equals("200"), r.output());
        return m.group(1).strip();
    }

    static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }
}
