package dev.sortie.bots.run;

import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.TreeException;
import java.io.IOException;
import java.util.List;

/** Turns what a user names as a tree (a YAML file, a Java source file or directory, a class name) into a tree. */
@FunctionalInterface
public interface TreeSource {
    /**
     * @throws TreeException the tree exists but is broken (YAML mistakes, javac errors), or nothing by that name exists
     */
    Node load(String tree) throws TreeException, IOException;

    /** The tree with the thresholds its file sets; none unless the source reads them. */
    default LoadedTree open(String tree) throws TreeException, IOException {
        return new LoadedTree(load(tree), List.of());
    }
}
