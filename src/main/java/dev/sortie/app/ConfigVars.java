package dev.sortie.app;

import dev.sortie.release.EnvFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An app's config vars, as on Heroku: {@code apps/<app>/env} (0600) holds them; every change that is
 * deployed makes a new release of the live release's files with the new environment, so each release
 * carries its own snapshot and a rollback brings its config back.
 */
public final class ConfigVars {

    private final Sortie sortie;

    public ConfigVars(Sortie sortie) {
        this.sortie = sortie;
    }

    /** What a change did: the vars changed, and the deploy that puts them live (empty: not deployed). */
    public record Change(List<String> changed, Optional<String> deployId, String warning) {
    }

    /** The vars, sorted by name. */
    public Map<String, String> list(String app) throws IOException {
        new Deploys(sortie).requireApp(app);
        return new TreeMap<>(EnvFile.read(file(app)));
    }

    public Optional<String> get(String app, String key) throws IOException {
        EnvFile.check(key, null);
        return Optional.ofNullable(list(app).get(key));
    }

    /**
     * Sets vars and, unless {@code deploy} is false or nothing is live yet, queues a config deploy.
     *
     * @throws EnvFile.Invalid for a name that is not POSIX or a value with a NUL or line break; nothing is changed then
     */
    public Change set(String app, Map<String, String> vars, boolean deploy, String by) throws IOException {
        vars.forEach(EnvFile::check);
        return change(app, deploy, by, env -> {
            List<String> changed = vars.entrySet().stream().filter(e -> !e.getValue().equals(env.get(e.getKey()))).map(Map.Entry::getKey)
                    .toList();
            env.putAll(vars);
            return changed;
        });
    }

    /** Removes vars (unknown names are no error) and deploys as {@link #set} does. */
    public Change unset(String app, List<String> keys, boolean deploy, String by) throws IOException {
        keys.forEach(k -> EnvFile.check(k, null));
        return change(app, deploy, by, env -> keys.stream().filter(k -> env.remove(k) != null).toList());
    }

    private interface Edit {
        List<String> apply(Map<String, String> env);
    }

    private Change change(String app, boolean deploy, String by, Edit edit) throws IOException {
        new Deploys(sortie).requireApp(app);
        Path file = file(app);
        String warning = EnvFile.tighten(file);
        Map<String, String> env = new LinkedHashMap<>(EnvFile.read(file));
        List<String> changed = edit.apply(env);
        if (!changed.isEmpty()) {
            EnvFile.write(file, env, "config vars of " + app + ": change them with sortie config set");
        }
        boolean live = sortie.releases(app).currentId().isPresent();
        Optional<String> id = deploy && live && !changed.isEmpty()
                ? Optional.of(new StoredDeploys(sortie).reconfigure(app, by))
                : Optional.empty();
        return new Change(changed, id, warning);
    }

    private Path file(String app) {
        return sortie.home().envFile(app);
    }
}
