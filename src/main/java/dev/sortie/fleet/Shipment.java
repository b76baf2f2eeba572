package dev.sortie.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sortie.config.AppName;
import dev.sortie.release.ReleaseId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a primary ships to each host with a release's files: which app, release and commit they are, and how they run.
 * It travels as {@code shipment.json} beside the release's {@code app/} files, its config snapshot ({@code env}) and a
 * git bundle of the commit, so the host's Sortie can read the release's sortie.yml, hooks and smoke bots from it.
 */
public record Shipment(String app, String release, String commit, String branch, String by, List<String> run) {

    public static final String FILE = "shipment.json";
    public static final String BUNDLE = "source.bundle";
    /** The ref a shipped commit is kept under in the host's repo (outside refs/heads: it never deploys by itself). */
    public static final String REF_PREFIX = "refs/sortie/fleet/";

    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

    public Shipment {
        run = run == null ? List.of() : List.copyOf(run);
    }

    public String ref() {
        return REF_PREFIX + release;
    }

    /** Refuses a shipment that does not name what the command line named, or whose fields are not what they must be. */
    Shipment check(String app, String release) throws IOException {
        if (!app.equals(this.app) || !release.equals(this.release)) {
            throw new IOException("the shipment is release " + this.release + " of " + this.app + ", not " + release + " of " + app);
        }
        if (!AppName.isValid(app) || !ReleaseId.isValid(release) || commit == null || !commit.matches("[0-9a-f]{40}")) {
            throw new IOException("the shipment's " + FILE + " is not valid: " + this);
        }
        return this;
    }

    void write(Path file) throws IOException {
        Files.write(file, JSON.writeValueAsBytes(this));
    }

    static Shipment read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + FILE + " at " + file);
        }
        return JSON.readValue(Files.readAllBytes(file), Shipment.class);
    }
}
