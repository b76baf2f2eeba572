package dev.sortie.bots.http;

import dev.sortie.bots.run.LoadedTree;
import dev.sortie.bots.run.TreeSource;
import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.TreeException;
import dev.sortie.compile.ApiClassLoader;
import dev.sortie.compile.CompileException;
import dev.sortie.compile.SourceCompiler;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds a tree by what the user typed: a YAML file ({@code bots/smoke.yml}), a Java source file
 * or a directory of them ({@code bots/}), or the name of a class in the bots directory
 * ({@code Smoke} or {@code com.example.Smoke}). Java trees are compiled with javac against
 * {@code dev.sortie.bots.tree} only; a tree class has {@code public static Node tree()}.
 */
public final class TreeLoader implements TreeSource {

    /** The only Sortie package bot code may use. */
    public static final String API_PACKAGE = "dev.sortie.bots.tree";

    private final Path base;
    private final Path botsDir;
    private final Path workDir;
    private final boolean confined;

    /**
     * @param base what relative tree paths are resolved against (the app's checkout, or the cwd)
     * @param botsDir where class names are looked up ({@code base/bots} by default)
     * @param workDir scratch space for compiled classes
     */
    public TreeLoader(Path base, Path botsDir, Path workDir) {
        this(base, botsDir, workDir, false);
    }

    /** @param confined refuse tree paths outside {@code base}, also through symlinks (for trees named over the HTTP API) */
    public TreeLoader(Path base, Path botsDir, Path workDir, boolean confined) {
        this.base = base;
        this.botsDir = botsDir;
        this.workDir = workDir;
        this.confined = confined;
    }

    @Override
    public Node load(String tree) throws TreeException, IOException {
        return open(tree).tree();
    }

    @Override
    public LoadedTree open(String tree) throws TreeException, IOException {
        if (tree == null || tree.isBlank()) {
            throw new TreeException("no tree named: give a YAML file, a Java file or directory, or a class name", List.of());
        }
        Path path = base.resolve(tree);
        if (confined) {
            inside(tree, path);
        }
        if (tree.endsWith(".yml") || tree.endsWith(".yaml")) {
            if (!Files.isRegularFile(path)) {
                throw new TreeException("no tree file " + tree + " (looked in " + base.toAbsolutePath().normalize() + ")", List.of());
            }
            return YamlTree.loadFile(path);
        }
        return new LoadedTree(javaTree(tree, path), List.of());
    }

    /**
     * A confined loader reads nothing outside its base: not by {@code ..}, and not through a
     * symlink, so the path is checked as written and again once every link is resolved.
     */
    private void inside(String tree, Path path) throws TreeException, IOException {
        Path root = base.toAbsolutePath().normalize();
        if (!path.toAbsolutePath().normalize().startsWith(root)) {
            throw new TreeException("no tree " + tree + ": trees must be inside " + root, List.of());
        }
        if (Files.exists(path)) {
            Path real = path.toRealPath();
            Path realRoot = root.toRealPath();
            if (!real.startsWith(realRoot)) {
                throw new TreeException("no tree " + tree + ": it is a link to " + real + ", and trees must be inside " + root, List.of());
            }
        }
    }

    private Node javaTree(String tree, Path path) throws TreeException, IOException {
        if (tree.endsWith(".java")) {
            if (!Files.isRegularFile(path)) {
                throw new TreeException("no tree file " + tree + " (looked in " + base.toAbsolutePath().normalize() + ")", List.of());
            }
            String simple = path.getFileName().toString().replaceFirst("\\.java$", "");
            return pick(compile(path.getParent(), false), simple, tree);
        }
        if (Files.isDirectory(path)) {
            return pick(compile(path, true), null, tree);
        }
        if (!tree.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*")) {
            throw new TreeException("no tree " + tree + ": it is not a .yml file, a .java file, a directory or a class name", List.of());
        }
        if (!Files.isDirectory(botsDir)) {
            throw new TreeException("no tree " + tree + ": there is no " + base.relativize(botsDir) + " directory to find the class " + tree + " in",
                    List.of());
        }
        if (confined) {
            inside(tree, botsDir);
        }
        return pick(compile(botsDir, true), tree, tree);
    }

    /** The tree classes compiled from a directory (with its subdirectories, or only its own files for a named file). */
    private List<Class<?>> compile(Path dir, boolean recursive) throws TreeException, IOException {
        List<Path> sources;
        try (Stream<Path> files = recursive ? Files.walk(dir) : Files.list(dir)) {
            sources = files.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).sorted().toList();
        }
        if (confined) {
            Path realRoot = base.toAbsolutePath().normalize().toRealPath();
            for (Path source : sources) {
                if (!source.toRealPath().startsWith(realRoot)) {
                    throw new TreeException("no tree from " + dir + ": " + source + " is a link to " + source.toRealPath()
                            + ", and trees must be inside " + base.toAbsolutePath().normalize(), List.of());
                }
            }
        }
        if (sources.isEmpty()) {
            throw new TreeException("no .java files in " + dir, List.of());
        }
        Files.createDirectories(workDir);
        removeStale();
        Path out = Files.createTempDirectory(workDir, "bots-");
        try {
            new SourceCompiler(workDir.resolve("api-java" + Runtime.version().feature()), List.of(API_PACKAGE)).compile(base, sources, out);
        } catch (CompileException e) {
            throw new TreeException(e.getMessage(), e.details());
        }
        ApiClassLoader loader = new ApiClassLoader("sortie-bots", out, Set.of(API_PACKAGE));
        List<Class<?>> trees = new ArrayList<>();
        List<Path> classes;
        try (Stream<Path> files = Files.walk(out)) {
            classes = files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$")).sorted().toList();
        }
        for (Path c : classes) {
            String name = out.relativize(c).toString().replaceFirst("\\.class$", "").replace('/', '.');
            try {
                Class<?> k = Class.forName(name, false, loader);
                if (treeMethod(k) != null) {
                    trees.add(k);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                throw new TreeException("cannot load " + name + ": " + e, List.of());
            }
        }
        trees.sort(Comparator.comparing(Class::getName));
        return trees;
    }

    /** Compiled trees stay loaded for a run; those older than a day are from runs long over. */
    private void removeStale() {
        long dayAgo = System.currentTimeMillis() - 86_400_000L;
        try (Stream<Path> dirs = Files.list(workDir)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith("bots-")).toList()) {
                if (Files.getLastModifiedTime(d).toMillis() < dayAgo) {
                    try (Stream<Path> all = Files.walk(d)) {
                        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // best effort: stale scratch space is not worth failing a run over
        }
    }

    private static Method treeMethod(Class<?> k) {
        try {
            Method m = k.getMethod("tree");
            return Modifier.isStatic(m.getModifiers()) && Node.class.isAssignableFrom(m.getReturnType()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Node pick(List<Class<?>> trees, String wanted, String asked) throws TreeException {
        List<String> names = trees.stream().map(Class::getName).toList();
        Class<?> chosen = null;
        if (wanted == null) {
            if (trees.size() != 1) {
                throw new TreeException(trees.isEmpty() ? asked + " has no tree class (a public class with public static Node tree())"
                        : asked + " has " + trees.size() + " trees (" + String.join(", ", names) + "): name one, e.g. --tree " + trees.get(0).getSimpleName(),
                        List.of());
            }
            chosen = trees.get(0);
        } else {
            for (Class<?> k : trees) {
                if (k.getName().equals(wanted) || k.getSimpleName().equals(wanted)) {
                    if (chosen != null) {
                        throw new TreeException(wanted + " is ambiguous: " + chosen.getName() + " and " + k.getName(), List.of());
                    }
                    chosen = k;
                }
            }
            if (chosen == null) {
                throw new TreeException("no tree class " + wanted + " with public static Node tree()"
                        + (names.isEmpty() ? "" : " (trees found: " + String.join(", ", names) + ")"), List.of());
            }
        }
        try {
            Node node = (Node) treeMethod(chosen).invoke(null);
            if (node == null) {
                throw new TreeException(chosen.getName() + ".tree() returned null", List.of());
            }
            return node;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new TreeException(chosen.getName() + ".tree() threw " + cause, List.of());
        } catch (IllegalAccessException e) {
            throw new TreeException(chosen.getName() + " must be a public class", List.of());
        }
    }
}
