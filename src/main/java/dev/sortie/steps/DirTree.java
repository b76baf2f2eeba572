package dev.sortie.steps;

import dev.sortie.release.FileTrees;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Copies and deletes directory trees. A copy keeps every mode (a 0700 directory stays 0700, an executable stays
 * executable) and never follows a symlink: a link is copied as a link when it points inside the tree being copied (an
 * absolute one made relative, so it still works once the source is gone), and one that points outside is refused.
 */
public final class DirTree {

    /** A symlink in a tree being copied points outside it. */
    public static final class LinkLeavesTree extends IOException {
        private final Path link;
        private final Path target;

        LinkLeavesTree(Path link, Path target, Path tree) {
            super(link + " is a symlink to " + target + ", outside " + tree);
            this.link = link;
            this.target = target;
        }

        /** The link, relative to the tree it was found in. */
        public Path link() {
            return link;
        }

        public Path target() {
            return target;
        }
    }


    private DirTree() {
    }

    /**
     * Copies {@code source} (a file or a directory; not itself a symlink) to {@code target}; returns the bytes copied.
     *
     * @throws LinkLeavesTree when a symlink inside {@code source} points outside it; {@code target} is then partly written
     */
    public static long copy(Path source, Path target) throws IOException {
        if (Files.isSymbolicLink(source)) {
            throw new IOException("not copying " + source + ": it is a symlink (copy what it points to)");
        }
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            return Files.size(source);
        }
        Path root = source.toRealPath();
        long[] bytes = {0};
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path copy = target.resolve(source.relativize(dir).toString());
                Files.createDirectories(copy);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path relative = source.relativize(file);
                Path copy = target.resolve(relative.toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(copy, linkText(root, relative));
                } else {
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    bytes[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                // last, so a directory without write permission for its owner is still filled first
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                Files.setPosixFilePermissions(target.resolve(source.relativize(dir).toString()), mode);
                return FileVisitResult.CONTINUE;
            }
        });
        return bytes[0];
    }

    /**
     * What the copy of the link at {@code relative} (under the tree whose real path is {@code root}) should say: its own
     * text when that is relative and stays inside, an absolute target inside the tree rewritten relative to the link.
     */
    private static Path linkText(Path root, Path relative) throws IOException {
        Path link = root.resolve(relative);
        Path text = Files.readSymbolicLink(link);
        Path resolved;
        try {
            resolved = link.toRealPath();
        } catch (NoSuchFileException dangling) {
            resolved = link.getParent().resolve(text).normalize();
        }
        boolean inside = resolved.startsWith(root)
                && (text.isAbsolute() || link.getParent().resolve(text).normalize().startsWith(root));
        if (!inside) {
            throw new LinkLeavesTree(relative, text, root);
        }
        return text.isAbsolute() ? link.getParent().relativize(resolved) : text;
    }

    /** Deletes a tree if it exists; never follows symlinks out of it; empties directories made read-only. */
    public static void delete(Path root) throws IOException {
        FileTrees.delete(root);
    }
}
