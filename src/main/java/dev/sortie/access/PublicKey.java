package dev.sortie.access;

import dev.sortie.config.ConfigException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * An OpenSSH public key as a {@code .pub} file holds it ({@code ssh-ed25519 AAAA... comment}), checked
 * before it goes into an authorized_keys line: one line, a known key type, no options of its own.
 *
 * @param type the key type, e.g. ssh-ed25519
 * @param blob the base64 key data, which names the same type
 */
public record PublicKey(String type, String blob) {

    /** The key types Sortie accepts. */
    public static final List<String> TYPES = List.of("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com");

    /** The key in a {@code .pub} file's text; its comment is dropped. */
    public static PublicKey parse(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            throw new ConfigException("expected a public key on standard input (e.g. sortie ssh-keys add NAME < ~/.ssh/id_ed25519.pub), got nothing");
        }
        if (lines.size() > 1) {
            throw new ConfigException("expected one public key, got " + lines.size() + " lines; add each key under its own name");
        }
        String[] parts = lines.getFirst().split("[ \t]+", 3);
        String type = parts[0];
        if (!TYPES.contains(type)) {
            if (type.startsWith("ssh-dss")) {
                throw new ConfigException("ssh-dss (DSA) keys are not accepted: OpenSSH no longer supports them; use ssh-keygen -t ed25519");
            }
            throw new ConfigException("expected a public key starting with its type (" + String.join(", ", TYPES.subList(0, 3))
                    + ", ecdsa-sha2-*), got " + shorten(type) + (type.contains("=") || type.contains(",")
                    ? " (authorized_keys options are not accepted: Sortie writes its own)" : ""));
        }
        if (parts.length < 2) {
            throw new ConfigException("the " + type + " key has no key data after its type");
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("the " + type + " key's data is not base64: " + shorten(parts[1]));
        }
        String named = namedType(data);
        if (!type.equals(named)) {
            throw new ConfigException("the key says it is " + type + " but its data is " + (named == null ? "not an SSH key" : "a " + named + " key"));
        }
        return new PublicKey(type, parts[1]);
    }

    /** {@code SHA256:...} as ssh-keygen -l shows it. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(blob));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code type blob}: the key as an authorized_keys line holds it, without options or comment. */
    public String text() {
        return type + " " + blob;
    }

    /** The type string at the start of SSH wire-format key data (uint32 length, then the name), or null. */
    private static String namedType(byte[] data) {
        if (data.length < 4) {
            return null;
        }
        int length = ByteBuffer.wrap(data, 0, 4).getInt();
        if (length <= 0 || length > 64 || data.length < 4 + length) {
            return null;
        }
        return new String(Arrays.copyOfRange(data, 4, 4 + length), StandardCharsets.US_ASCII);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? "\"" + s.substring(0, 40) + "...\"" : "\"" + s + "\"";
    }
}
