package dev.sortie.bots.tree;

import java.time.Duration;
import java.util.List;

/**
 * A behaviour-tree node. Nodes are immutable and shared by every bot running the tree; where a
 * bot is in the tree lives in its own {@link Cursor}. A tree is just its root node, so trees
 * compose. The semantics of every node are described in {@code package-info.java}.
 */
public sealed interface Node {

    /** The longest wait or timeout a tree may hold (beyond it, nanosecond clocks overflow). */
    Duration LONGEST = Duration.ofDays(36_500);

    /** A node the cursor stops at: the bot runs it (an action, a wait, or a parallel group). */
    sealed interface Leaf extends Node permits Action, Wait, Parallel {
    }

    record Action(String name, ActionFn fn) implements Leaf {
        public Action {
            requireName(name);
            if (fn == null) {
                throw new IllegalArgumentException("action " + name + " has no function");
            }
        }
    }

    record Wait(Duration min, Duration max) implements Leaf {
        public Wait {
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("wait needs 0 <= min <= max, got " + min + ", " + max);
            }
            if (max.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("a wait can last at most 100 years, got " + max);
            }
        }
    }

    record Parallel(List<Node> children, boolean all) implements Leaf {
        public Parallel {
            children = nonEmpty(all ? "parallel_all" : "parallel_first", children);
        }
    }

    record Sequence(List<Node> children) implements Node {
        public Sequence {
            children = nonEmpty("sequence", children);
        }
    }

    record Select(List<Node> children) implements Node {
        public Select {
            children = nonEmpty("select", children);
        }
    }

    record RandomPick(List<Node> children) implements Node {
        public RandomPick {
            children = nonEmpty("random", children);
        }
    }

    record WeightedRandom(List<Weighted> choices, int total) implements Node {
        public WeightedRandom {
            choices = List.copyOf(choices);
            if (choices.isEmpty()) {
                throw new IllegalArgumentException("weighted_random needs at least one child");
            }
            long sum = choices.stream().mapToLong(Weighted::weight).sum();
            if (sum > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("weighted_random's weights add up to more than " + Integer.MAX_VALUE);
            }
            total = (int) sum;
        }

        public WeightedRandom(List<Weighted> choices) {
            this(choices, 0);
        }
    }

    record Weighted(int weight, Node node) {
        public Weighted {
            if (weight < 1) {
                throw new IllegalArgumentException("a weight must be at least 1, got " + weight);
            }
        }
    }

    record Repeat(int times, Node child) implements Node {
        public Repeat {
            if (times < 1) {
                throw new IllegalArgumentException("repeat needs a count of at least 1, got " + times);
            }
        }
    }

    /** Runs its child again and again until it ends with {@code until} (true: succeeds). */
    record RepeatUntil(boolean until, Node child) implements Node {
    }

    record Negate(Node child) implements Node {
    }

    /** Runs its child and ends with {@code result} whatever the child did. */
    record Always(boolean result, Node child) implements Node {
    }

    record Timeout(Node child, Duration limit) implements Node {
        public Timeout {
            if (limit.isNegative() || limit.isZero() || limit.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("timeout needs a positive duration of at most 100 years, got " + limit);
            }
        }
    }

    record Retry(Node child, int attempts, Duration backoff) implements Node {
        public Retry {
            if (attempts < 1) {
                throw new IllegalArgumentException("retry needs at least 1 attempt, got " + attempts);
            }
            if (backoff.isNegative() || backoff.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("retry backoff cannot be negative");
            }
        }
    }

    private static List<Node> nonEmpty(String what, List<Node> children) {
        if (children == null || children.isEmpty()) {
            throw new IllegalArgumentException(what + " needs at least one child");
        }
        for (Node n : children) {
            if (n == null) {
                throw new IllegalArgumentException(what + " has a null child");
            }
        }
        return List.copyOf(children);
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an action needs a name");
        }
    }
}
