package dev.sortie.access;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An authorized_keys file Sortie shares with its owner: Sortie's lines end with the comment
 * {@code sortie:NAME}, and every other line stays byte for byte as it was. Written whole to a temporary
 * file beside it (0600) and renamed over it, so sshd never reads half a file.
 */
public final class AuthorizedKeysFile {

    static final String MARK = "sortie:";
    private static final String OPTIONS = "restrict,command=\"";

    private final Path file;

    public AuthorizedKeysFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** The file's text as lines, bytes kept exactly (ISO-8859-1 maps each byte to one char). */
    record Lines(List<String> lines, boolean finalNewline) {

        static Lines of(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            if (text.isEmpty()) {
                return new Lines(List.of(), false);
            }
            boolean last = text.endsWith("\n");
            List<String> lines = List.of((last ? text.substring(0, text.length() - 1) : text).split("\n", -1));
            return new Lines(lines, last);
        }

        byte[] bytes() {
            String text = String.join("\n", lines) + (finalNewline && !lines.isEmpty() ? "\n" : "");
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }

        /** Sortie's line for {@code name} replaced by {@code line} where it was, else appended. */
        Lines with(String name, String line) {
            String latin = new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            List<String> out = new ArrayList<>();
            boolean replaced = false;
            for (String l : lines) {
                if (isSortieLine(l, name)) {
                    if (!replaced) {
                        out.add(latin);
                        replaced = true;
                    }
                } else {
                    out.add(l);
                }
            }
            if (!replaced) {
                out.add(latin);
                return new Lines(out, true);
            }
            return new Lines(out, finalNewline);
        }

        Lines without(String name) {
            return new Lines(lines.stream().filter(l -> !isSortieLine(l, name)).toList(), finalNewline);
        }

        /** The 1-based number of a line Sortie did not write that holds this key, if any. */
        Optional<Integer> foreignLineWith(PublicKey key) {
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (!isSortieLine(l) && List.of(l.strip().split("[ \t]+")).contains(key.blob())) {
                    return Optional.of(i + 1);
                }
            }
            return Optional.empty();
        }
    }

    /** Sortie's authorized_keys line for a key: no pty, no forwarding, only the forced command. */
    public static String line(String name, PublicKey key, String forcedCommand) {
        if (forcedCommand.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("the forced command may not hold control characters: " + forcedCommand);
        }
        return OPTIONS + forcedCommand.replace("\"", "\\\"") + "\" " + key.text() + " " + MARK + SshKey.requireName(name);
    }

    static boolean isSortieLine(String line, String name) {
        return line.startsWith(OPTIONS) && line.endsWith(" " + MARK + name);
    }

    static boolean isSortieLine(String line) {
        int at = line.lastIndexOf(" " + MARK);
        return line.startsWith(OPTIONS) && at > 0 && SshKey.validName(line.substring(at + 1 + MARK.length()));
    }

    Lines read() throws IOException {
        return Files.exists(file) ? Lines.of(Files.readAllBytes(file)) : new Lines(List.of(), false);
    }

    /** Whether Sortie's line for {@code name} is in the file. */
    public boolean has(String name) throws IOException {
        return read().lines().stream().anyMatch(l -> isSortieLine(l, name));
    }

    /** Adds or replaces Sortie's line for {@code name}; says where a line Sortie did not write holds the same key. */
    public Optional<Integer> put(String name, PublicKey key, String forcedCommand) throws IOException {
        Lines now = read();
        write(now.with(name, line(name, key, forcedCommand)));
        return now.without(name).foreignLineWith(key);
    }

    /** Removes Sortie's line for {@code name}; false when there was none. */
    public boolean remove(String name) throws IOException {
        Lines now = read();
        Lines after = now.without(name);
        if (after.lines().size() == now.lines().size()) {
            return false;
        }
        write(after);
        return true;
    }

    private void write(Lines lines) throws IOException {
        Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file;
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = dir.resolve("." + target.getFileName() + ".sortie-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.write(ByteBuffer.wrap(lines.bytes()));
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
