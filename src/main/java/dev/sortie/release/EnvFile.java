package dev.sortie.release;

import dev.sortie.config.Ownership;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Config vars on disk: {@code KEY=VALUE} lines, {@code #} starts a comment line. The app's
 * {@code apps/<app>/env} and each release's snapshot {@code releases/<id>/env} use it; both are
 * written atomically at mode 0600, since values are secrets. When apps are kept apart (app_users), the app's dir is
 * setgid in the daemon's group, which no app's processes have: there the files are 0640, so that the daemon's user's
 * commands ({@code sortie config}, run over SSH) read them, and still no other app does.
 */
public final class EnvFile {

    public static final String SNAPSHOT = "env";
    /** POSIX: letters, digits and underscores, not starting with a digit. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_READS = PosixFilePermissions.fromString("rw-r-----");

    private EnvFile() {
    }

    /** A config var name or value that cannot be stored. */
    public static final class Invalid extends IllegalArgumentException {
        public Invalid(String message) {
            super(message);
        }
    }

    public static Map<String, String> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        return parse(lines, file.toString());
    }

    static Map<String, String> parse(List<String> lines, String source) throws IOException {
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq);
            if (eq < 0 || !KEY.matcher(key).matches()) {
                throw new IOException(source + ":" + (i + 1) + ": expected KEY=VALUE with KEY made of letters, digits and _");
            }
            vars.put(key, line.substring(eq + 1));
        }
        return vars;
    }

    /** Refuses a name that is not a POSIX environment name, or a value a line cannot hold. */
    public static void check(String key, String value) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new Invalid("config var names are letters, digits and _, not starting with a digit (POSIX): "
                    + (key == null ? "(none)" : "'" + key.replace("'", "\\'") + "'") + " is not one");
        }
        if (value != null && value.indexOf('\0') >= 0) {
            throw new Invalid(key + ": a value cannot contain a NUL byte");
        }
        if (value != null && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
            throw new Invalid(key + ": a value cannot contain a line break (store multi-line values base64-encoded)");
        }
    }

    /** Writes the vars atomically at 0600 and fsyncs the file before it replaces the old one. */
    public static void write(Path file, Map<String, String> vars, String header) throws IOException {
        StringBuilder text = new StringBuilder();
        if (header != null) {
            text.append("# ").append(header).append('\n');
        }
        vars.forEach((k, v) -> {
            check(k, v);
            text.append(k).append('=').append(v).append('\n');
        });
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        boolean groupReads = Ownership.isSetgid(file.toAbsolutePath().getParent());
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        if (Files.exists(file)) {
            // the app's user owns its config when apps are kept apart: a rewrite keeps the owner (only root can chown)
            Object uid = Files.getAttribute(file, "unix:uid");
            Object gid = Files.getAttribute(file, "unix:gid");
            try {
                if (!gid.equals(Files.getAttribute(tmp, "unix:gid"))) {
                    Files.setAttribute(tmp, "unix:gid", gid);
                }
                if (!uid.equals(Files.getAttribute(tmp, "unix:uid"))) {
                    Files.setAttribute(tmp, "unix:uid", uid);
                }
            } catch (IOException e) {
                // no right to chown: the file becomes ours, in the dir's group (the app's, to whom the group bit gives it)
            }
        }
        if (groupReads) {
            Files.setPosixFilePermissions(tmp, GROUP_READS);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Makes a file that others can read or write owner-only again.
     *
     * @return a warning to show when the mode had to be fixed, else null
     */
    public static String tighten(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        Set<PosixFilePermission> loose = new HashSet<>(mode);
        loose.removeAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        boolean groupReads = Ownership.isSetgid(file.toAbsolutePath().getParent())
                && Files.getAttribute(file, "unix:gid").equals(Files.getAttribute(file.toAbsolutePath().getParent(), "unix:gid"));
        if (groupReads) {
            loose.remove(PosixFilePermission.GROUP_READ);
        }
        if (loose.isEmpty()) {
            return null;
        }
        Set<PosixFilePermission> tight = groupReads ? GROUP_READS : OWNER_ONLY;
        Files.setPosixFilePermissions(file, tight);
        return "warning: " + file + " was mode " + PosixFilePermissions.toString(mode)
                + ", readable by others; it holds config values, so it is now " + PosixFilePermissions.toString(tight);
    }

    /** The names, sorted: what release.json records instead of the values. */
    public static List<String> keys(Map<String, String> vars) {
        return new ArrayList<>(new TreeMap<>(vars).keySet());
    }

    /** sha256 over the sorted vars: equal configs have equal hashes, and the hash reveals no value. */
    public static String hash(Map<String, String> vars) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(vars).forEach((k, v) -> {
                sha.update(k.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '=');
                sha.update(v.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            });
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
