package dev.sortie.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizedKeysFileTest {

    static final PublicKey ALICE = PublicKey.parse(TestKeys.ALICE);
    static final PublicKey BOB = PublicKey.parse(TestKeys.BOB);

    /** Lines Sortie did not write, with what editors leave: CRLF, a comment, blank lines, options, odd bytes. */
    static final byte[] FOREIGN = ("# my own keys\r\n"
            + TestKeys.CAROL + "\n"
            + "\n"
            + "from=\"10.0.0.*\",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwn0 backup sortie:fake\n"
            + "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwn1 caf\u00e9 \t \n").getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @Test
    void lineRestrictsTheKeyToTheForcedCommand() {
        assertEquals("restrict,command=\"SORTIE_HOME=/h '/opt/my \\\"sortie\\\"' ssh-shell alice\" " + ALICE.text() + " sortie:alice",
                AuthorizedKeysFile.line("alice", ALICE, "SORTIE_HOME=/h '/opt/my \"sortie\"' ssh-shell alice"));
    }

    @Test
    void addingAndRemovingKeepsEveryForeignLineByteForByte() throws Exception {
        Path file = tmp.resolve("authorized_keys");
        Files.write(file, FOREIGN);
        AuthorizedKeysFile keys = new AuthorizedKeysFile(file);

        assertEquals(Optional.empty(), keys.put("alice", ALICE, "sortie ssh-shell alice"));
        keys.put("bob", BOB, "sortie ssh-shell bob");
        byte[] after = Files.readAllBytes(file);
        byte[] expectedPrefix = FOREIGN;
        assertArrayEquals(expectedPrefix, java.util.Arrays.copyOf(after, expectedPrefix.length));
        List<String> added = new String(after, expectedPrefix.length, after.length - expectedPrefix.length, StandardCharsets.UTF_8)
                .lines().toList();
        assertEquals(List.of(AuthorizedKeysFile.line("alice", ALICE, "sortie ssh-shell alice"),
                AuthorizedKeysFile.line("bob", BOB, "sortie ssh-shell bob")), added);
        assertTrue(keys.has("alice") && keys.has("bob"));
        assertFalse(keys.has("fake"), "a foreign line that merely ends in sortie:fake is not Sortie's");

        assertTrue(keys.remove("alice"));
        assertTrue(keys.remove("bob"));
        assertFalse(keys.remove("bob"));
        assertArrayEquals(FOREIGN, Files.readAllBytes(file));
    }

    @Test
    void reAddingReplacesTheLineWhereItIs() throws Exception {
        Path file = tmp.resolve("authorized_keys");
        AuthorizedKeysFile keys = new AuthorizedKeysFile(file);
        keys.put("alice", ALICE, "old");
        Files.write(file, ("ssh-rsa AAAAforeign me\n").getBytes(), java.nio.file.StandardOpenOption.APPEND);
        keys.put("alice", BOB, "new");
        assertEquals(List.of(AuthorizedKeysFile.line("alice", BOB, "new"), "ssh-rsa AAAAforeign me"), Files.readAllLines(file));
    }

    @Test
    void aFileWithoutAFinalNewlineGetsOneBeforeSortiesLine() throws Exception {
        Path file = tmp.resolve("authorized_keys");
        Files.writeString(file, TestKeys.CAROL);
        new AuthorizedKeysFile(file).put("alice", ALICE, "c");
        assertEquals(TestKeys.CAROL + "\n" + AuthorizedKeysFile.line("alice", ALICE, "c") + "\n", Files.readString(file));
        new AuthorizedKeysFile(file).remove("alice");
        assertEquals(TestKeys.CAROL + "\n", Files.readString(file));
    }

    @Test
    void createsTheDirectory0700AndTheFile0600AndLeavesNoTemporaryFile() throws Exception {
        Path file = tmp.resolve("new/.ssh/authorized_keys");
        new AuthorizedKeysFile(file).put("alice", ALICE, "c");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        new AuthorizedKeysFile(file).put("bob", BOB, "c");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void writesThroughASymlinkToItsTarget() throws Exception {
        Path real = tmp.resolve("real_keys");
        Files.writeString(real, TestKeys.CAROL + "\n");
        Path link = Files.createSymbolicLink(tmp.resolve("authorized_keys"), real);
        new AuthorizedKeysFile(link).put("alice", ALICE, "c");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(2, Files.readAllLines(real).size());
    }

    @Test
    void replacesTheFileByRenameSoAReaderSeesTheOldOrTheNewFile() throws Exception {
        Path file = tmp.resolve("authorized_keys");
        Files.writeString(file, TestKeys.CAROL + "\n");
        Object before = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        new AuthorizedKeysFile(file).put("alice", ALICE, "c");
        Object after = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        assertFalse(before.equals(after), "a new inode: written beside the file and renamed over it, never rewritten in place");
    }

    @Test
    void saysWhereAForeignLineHoldsTheSameKey() throws Exception {
        Path file = tmp.resolve("authorized_keys");
        Files.writeString(file, "# keys\n" + TestKeys.ALICE + "\n");
        assertEquals(Optional.of(2), new AuthorizedKeysFile(file).put("alice", ALICE, "c"));
        assertEquals(Optional.empty(), new AuthorizedKeysFile(file).put("bob", BOB, "c"));
    }
}
