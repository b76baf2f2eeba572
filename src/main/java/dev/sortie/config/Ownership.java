package dev.sortie.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * When each app runs as its own Unix user, the daemon (root, or the sortie user with CAP_CHOWN) still makes some of an app's files: a deploy's
 * journal, the deploy lock, a failed release's record. Each is given the owner of the directory it is in, so
 * the app's own processes can go on with it. Without that right, or where the directory is the daemon's, nothing changes.
 */
public final class Ownership {

    private Ownership() {
    }

    public static void likeDir(Path file) throws IOException {
        if (!dev.sortie.exec.Privileges.canChown() || !file.getFileSystem().supportedFileAttributeViews().contains("unix")) {
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

    /**
     * Whether {@code dir} is in the app_users layout: setgid, so that what anyone makes in it gets the daemon's group
     * (which the app's processes do not have) and the daemon's user's commands reach it through that group.
     */
    public static boolean isSetgid(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            return false;
        }
        return ((Integer) Files.getAttribute(dir, "unix:mode") & 02000) != 0;
    }

    /**
     * A file that the app's user and the daemon's user both write (the deploy lock): in the app_users layout
     * ({@link #isSetgid}) it is made group-writable, 0660. Elsewhere, or when this process may not change its mode
     * (another user made it so already), nothing changes.
     */
    public static void groupWritable(Path file) throws IOException {
        if (!isSetgid(file.toAbsolutePath().getParent())) {
            return;
        }
        var mode = java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----");
        if (!Files.getPosixFilePermissions(file).equals(mode)) {
            try {
                Files.setPosixFilePermissions(file, mode);
            } catch (IOException e) {
                // not ours: its owner made it so when it made it
            }
        }
    }
}
