package dev.sortie.bots.tree;

import java.util.List;

/** A tree that cannot be loaded: a YAML mistake or a Java tree that does not compile, with every problem found. */
public final class TreeException extends Exception {

    private final List<String> problems;

    public TreeException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, e.g. {@code smoke.yml: tree.sequence[1].request.methd: unknown key (did you mean method?)}. */
    public List<String> problems() {
        return problems;
    }

    /** The message and its problems, one per line. */
    public String describe() {
        return problems.isEmpty() ? getMessage() : getMessage() + "\n  " + String.join("\n  ", problems);
    }
}
