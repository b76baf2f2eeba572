package dev.sortie.access;

import dev.sortie.config.ConfigException;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code sortie ssh-keys}: named keys with their rights in the store, and one authorized_keys line each
 * whose forced command is {@code sortie ssh-shell NAME}.
 */
public final class SshKeys {

    private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_./=:@%+-]+");

    private final SortieHome home;
    private final SshKeyStore store;
    private final AuthorizedKeysFile authorizedKeys;
    private final List<String> sortie;

    /** @param sortie how sshd runs this Sortie: the launcher, or a java argv ending in the main class */
    public SshKeys(SortieHome home, Path authorizedKeys, List<String> sortie) {
        this.home = home;
        this.store = SshKeyStore.of(home);
        this.authorizedKeys = new AuthorizedKeysFile(authorizedKeys);
        this.sortie = List.copyOf(sortie);
    }

    /** {@code ssh: {authorized_keys}} of the server config, else this user's {@code ~/.ssh/authorized_keys}. */
    public static Path authorizedKeys(ServerConfig server) {
        String configured = server.ssh().authorizedKeys();
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".ssh", "authorized_keys");
    }

    public Path authorizedKeysFile() {
        return authorizedKeys.path();
    }

    /**
     * A key as {@code add} left it.
     *
     * @param replaced    a key of that name was there before
     * @param foreignLine a line Sortie did not write that holds the same key (sshd uses the first line that matches)
     */
    public record Added(SshKey key, boolean replaced, Optional<Integer> foreignLine) {
    }

    /** A stored key, and whether its line is in the authorized_keys file. */
    public record Listed(SshKey key, boolean inFile) {
    }

    /** Adds a key, or replaces the key and rights of that name. */
    public Added add(String name, String publicKeyText, KeyRights rights) throws IOException {
        SshKey.requireName(name);
        PublicKey key = PublicKey.parse(publicKeyText);
        if (!rights.admin() && !rights.all() && rights.apps().isEmpty()) {
            throw new ConfigException("say what key " + name + " may do: --apps APP[,APP...], --all (push every app) or --admin");
        }
        List<String> unknown = rights.apps().stream().filter(app -> !dev.sortie.config.AppName.isValid(app)
                || !Files.isDirectory(home.repo(app))).toList();
        if (!unknown.isEmpty()) {
            throw new ConfigException("no app named " + String.join(", ", unknown) + " (see: sortie apps list; create one: sortie apps create NAME)");
        }
        try (var lock = store.lock()) {
            List<SshKey> keys = new ArrayList<>(store.all());
            for (SshKey k : keys) {
                if (!k.name().equals(name) && k.key().blob().equals(key.blob())) {
                    throw new ConfigException("this key is already added as " + k.name() + " (sortie ssh-keys remove " + k.name() + " first)");
                }
            }
            boolean replaced = keys.removeIf(k -> k.name().equals(name));
            SshKey added = new SshKey(name, key, rights, Instant.now());
            keys.add(added);
            store.save(keys);
            Optional<Integer> foreign = authorizedKeys.put(name, key, forcedCommand(name));
            return new Added(added, replaced, foreign);
        }
    }

    public List<Listed> list() throws IOException {
        List<Listed> listed = new ArrayList<>();
        for (SshKey k : store.all()) {
            listed.add(new Listed(k, authorizedKeys.has(k.name())));
        }
        return listed;
    }

    /** Whether any key is added. */
    public boolean any() throws IOException {
        return !store.all().isEmpty();
    }

    /** Removes the key's line and its rights; false when there is no key of that name. */
    public boolean remove(String name) throws IOException {
        try (var lock = store.lock()) {
            List<SshKey> keys = new ArrayList<>(store.all());
            boolean stored = keys.removeIf(k -> k.name().equals(name));
            if (stored) {
                store.save(keys);
            }
            boolean line = authorizedKeys.remove(name);
            return stored || line;
        }
    }

    /** What sshd runs for the key: {@code SORTIE_HOME=... sortie ssh-shell NAME}, words quoted for the user's shell. */
    String forcedCommand(String name) {
        List<String> words = new ArrayList<>();
        words.add("SORTIE_HOME=" + shellQuote(home.root().toString()));
        sortie.forEach(w -> words.add(shellQuote(w)));
        words.add("ssh-shell");
        words.add(SshKey.requireName(name));
        return String.join(" ", words);
    }

    static String shellQuote(String word) {
        return SAFE_WORD.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
