package dev.sortie.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * When each app runs as its own Unix user, the daemon (root) still makes some of an app's files: a deploy's
 * journal, the deploy lock, a failed release's record. Each is given the owner of the directory it is in, so
 * the app's own processes can go on with it. Without root, or where the directory is the daemon's, nothing changes.
 */
public final class Ownership {

    private Ownership() {
    }

    public static void likeDir(Path file) throws IOException {
        if (!"root".equals(System.getProperty("user.name")) || !file.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        Object uid = Files.getAttribute(dir, "unix:uid");
        Object gid = Files.getAttribute(dir, "unix:gid");
        if (!uid.equals(Files.getAttribute(file, "unix:uid")) || !gid.equals(Files.getAttribute(file, "unix:gid"))) {
            Files.setAttribute(file, "unix:uid", uid);
            Files.setAttribute(file, "unix:gid", gid);
        }
    }
}
