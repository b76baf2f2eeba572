package dev.sortie.bots.run;

import dev.sortie.bots.tree.Node;
import java.util.List;

/** A tree as loaded from what the user named, with the thresholds its file sets ({@code thresholds:} in YAML). */
public record LoadedTree(Node tree, List<Threshold> thresholds) {

    public LoadedTree {
        thresholds = List.copyOf(thresholds);
    }
}
