package dev.sortie.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sortie.config.SortieHome;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The named keys and their rights, in {@code $SORTIE_HOME/ssh-keys.json} (0600): the rights live here,
 * not in the authorized_keys line, so a line carries only the key's name.
 */
public final class SshKeyStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public SshKeyStore(Path file) {
        this.file = file;
    }

    public static SshKeyStore of(SortieHome home) {
        return new SshKeyStore(home.root().resolve("ssh-keys.json"));
    }

    public Path path() {
        return file;
    }

    public List<SshKey> all() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<SshKey> keys = new ArrayList<>();
        for (JsonNode k : JSON.readTree(file.toFile()).path("keys")) {
            List<String> apps = new ArrayList<>();
            k.path("apps").forEach(a -> apps.add(a.asText()));
            keys.add(new SshKey(k.path("name").asText(), new PublicKey(k.path("type").asText(), k.path("key").asText()),
                    new KeyRights(apps, k.path("all").asBoolean(), k.path("admin").asBoolean()),
                    k.hasNonNull("added") ? Instant.parse(k.path("added").asText()) : null));
        }
        return List.copyOf(keys);
    }

    public Optional<SshKey> find(String name) throws IOException {
        return all().stream().filter(k -> k.name().equals(name)).findFirst();
    }

    /** Writes every key, replacing the file atomically. */
    public void save(List<SshKey> keys) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("keys");
        for (SshKey k : keys) {
            ObjectNode o = list.addObject();
            o.put("name", k.name());
            o.put("type", k.key().type());
            o.put("key", k.key().blob());
            ArrayNode apps = o.putArray("apps");
            k.rights().apps().forEach(apps::add);
            o.put("all", k.rights().all());
            o.put("admin", k.rights().admin());
            o.put("added", k.added() == null ? null : k.added().toString());
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Holds the store's lock (a file beside it) until closed: one {@code ssh-keys} change at a time. */
    public Lock lock() throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel ch = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        ch.lock();
        return ch::close;
    }

    /** The store's lock, released on close. */
    public interface Lock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }
}
