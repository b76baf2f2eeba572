package dev.sortie.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/** An app's bare repository: created with Sortie's hooks installed, read to resolve and check out pushed commits. */
public final class AppRepository {

    /** The hooks Sortie installs: the default deploys after git accepted a push; the gate deploys before. */
    public enum HookMode {
        /** post-update: a push is accepted, then deployed (sortie-push is its client of the sortie server). */
        AFTER_PUSH("post-update", "sortie-push"),
        /** pre-receive: a push is deployed first; a failed deploy rejects it. */
        GATE("pre-receive");

        private final String hook;
        private final List<String> files;

        HookMode(String hook, String... helpers) {
            this.hook = hook;
            List<String> all = new ArrayList<>(List.of(hook));
            all.addAll(List.of(helpers));
            this.files = List.copyOf(all);
        }

        public String hook() {
            return hook;
        }

        /** The files in hooks/ this mode installs: the hook git runs, and what it runs. */
        public List<String> files() {
            return files;
        }
    }

    /** The largest file {@link #readFile} reads: far past any config file's own limit, short of a memory problem. */
    public static final int MAX_TEXT_BYTES = 64 * 1024 * 1024;

    private final Path dir;
    private final List<Path> extraObjects;

    public AppRepository(Path dir) {
        this(dir, List.of());
    }

    /** @param extraObjects object directories to read besides the repo's own: git's quarantine during pre-receive */
    public AppRepository(Path dir, List<Path> extraObjects) {
        this.dir = dir;
        this.extraObjects = List.copyOf(extraObjects);
    }

    public Path dir() {
        return dir;
    }

    /** Creates the bare repo (if needed) and (re)installs the post-update hook. */
    public static AppRepository create(Path dir, String defaultBranch, Map<String, String> hookValues) throws IOException {
        return create(dir, defaultBranch, hookValues, HookMode.AFTER_PUSH);
    }

    /** Creates the bare repo (if needed) and (re)installs the hook of {@code mode}, removing the other one. */
    public static AppRepository create(Path dir, String defaultBranch, Map<String, String> hookValues, HookMode mode)
            throws IOException {
        try (Git git = Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch(defaultBranch).call()) {
            git.getRepository().getConfig().setBoolean("receive", null, "denyNonFastForwards", false);
            git.getRepository().getConfig().save();
        } catch (GitAPIException e) {
            throw new IOException("cannot create repository " + dir + ": " + e.getMessage(), e);
        }
        AppRepository repo = new AppRepository(dir);
        repo.installHooks(mode, hookValues);
        return repo;
    }

    /** Installs the hook of {@code mode} and removes the other, so exactly one of them deploys. */
    public void installHooks(HookMode mode, Map<String, String> hookValues) throws IOException {
        for (String file : mode.files()) {
            installHook(file, hookValues);
        }
        for (HookMode other : HookMode.values()) {
            for (String file : other.files()) {
                if (!mode.files().contains(file)) {
                    Files.deleteIfExists(dir.resolve("hooks").resolve(file));
                }
            }
        }
    }

    /** Writes hooks/NAME from Sortie's bundled hooks, filling {@code @KEY@} placeholders with already-quoted values. */
    void installHook(String name, Map<String, String> values) throws IOException {
        String text;
        try (InputStream in = AppRepository.class.getResourceAsStream("/sortie/hooks/" + name)) {
            if (in == null) {
                throw new IllegalStateException("hook " + name + " is missing from the Sortie build");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (var e : values.entrySet()) {
            text = text.replace("@" + e.getKey() + "@", e.getValue());
        }
        if (text.matches("(?s).*@[A-Z_]+@.*")) {
            throw new IllegalStateException("hook " + name + " has a placeholder Sortie did not fill: " + text);
        }
        Path hooks = Files.createDirectories(dir.resolve("hooks"));
        Path tmp = hooks.resolve("." + name + ".tmp");
        Files.writeString(tmp, text);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(tmp, hooks.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Quotes a word for a POSIX shell script: our own paths only, never user input, but quoted all the same. */
    public static String shellWord(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    public static String shellWords(List<String> words) {
        return String.join(" ", words.stream().map(AppRepository::shellWord).toList());
    }

    private Repository open() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no repository at " + dir);
        }
        FileRepositoryBuilder builder = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true);
        for (Path objects : extraObjects) {
            builder.addAlternateObjectDirectory(objects.toFile());
        }
        return builder.build();
    }

    /** Resolves a branch, tag or commit id to a full commit id; empty when it names nothing. */
    public Optional<String> resolve(String ref) throws IOException {
        try (Repository repo = open()) {
            ObjectId id = repo.resolve(ref + "^{commit}");
            return Optional.ofNullable(id).map(ObjectId::getName);
        } catch (RevisionSyntaxException e) {
            return Optional.empty();
        }
    }

    /**
     * A file's text at a commit, if the file exists there. Blobs past JGit's streaming threshold are
     * streamed (its getBytes() would throw LargeObjectException), so the caller can name its own limit.
     *
     * @throws IOException also for a file over {@link #MAX_TEXT_BYTES}
     */
    public Optional<String> readFile(String commit, String path) throws IOException {
        try (Repository repo = open(); RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
            try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
                if (tw == null || (tw.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
                    return Optional.empty();
                }
                ObjectLoader blob = repo.open(tw.getObjectId(0));
                if (blob.getSize() > MAX_TEXT_BYTES) {
                    throw new IOException(path + " is " + blob.getSize() + " bytes at " + commit.substring(0, 7)
                            + ", more than the " + MAX_TEXT_BYTES + " Sortie reads from a commit");
                }
                try (InputStream in = blob.openStream()) {
                    return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** Writes a commit's tree into an empty directory: files keep their executable bit, symlinks stay links, submodules are skipped. */
    public int checkout(String commit, Path target) throws IOException {
        Files.createDirectories(target);
        int files = 0;
        try (Repository repo = open(); RevWalk walk = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
            tw.addTree(walk.parseCommit(ObjectId.fromString(commit)).getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                Path out = target.resolve(tw.getPathString()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("refusing to check out " + tw.getPathString() + ": outside the build dir");
                }
                FileMode mode = tw.getFileMode(0);
                if (mode == FileMode.GITLINK) {
                    continue;
                }
                Files.createDirectories(out.getParent());
                ObjectLoader blob = repo.open(tw.getObjectId(0), Constants.OBJ_BLOB);
                if (mode == FileMode.SYMLINK) {
                    Files.createSymbolicLink(out, Path.of(new String(blob.getBytes(), StandardCharsets.UTF_8)));
                } else {
                    try (OutputStream os = Files.newOutputStream(out)) {
                        blob.copyTo(os);
                    }
                    if (mode == FileMode.EXECUTABLE_FILE) {
                        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
                files++;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return files;
    }
}
