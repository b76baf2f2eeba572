package dev.sortie.bots.tree;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * One bot's position in a tree: a stack of the nodes it is inside, each with a little state
 * (which child, how many times, its deadline). The runner asks for {@link #current()}, runs that
 * leaf and reports the result with {@link #complete(boolean)}; the cursor then moves to the next
 * leaf. Nothing here blocks or sleeps, so every node's semantics are testable tick by tick.
 */
public final class Cursor {

    /** Where the tree stands after a leaf completes. */
    public enum Progress { RUNNING, SUCCEEDED, FAILED }

    private static final int BACKOFF = -1;

    private final Node root;
    private final RandomGenerator random;
    private final LongSupplier nanoClock;
    private Node[] nodes = new Node[8];
    private int[] index = new int[8];
    private long[] deadline = new long[8];
    private int depth;

    public Cursor(Node root, RandomGenerator random, LongSupplier nanoClock) {
        this.root = root;
        this.random = random;
        this.nanoClock = nanoClock;
        restart();
    }

    /** Back to the tree's first leaf, as a bot does after finishing a pass. */
    public void restart() {
        depth = 0;
        descend(root);
    }

    /** The leaf the bot runs next. */
    public Node.Leaf current() {
        return (Node.Leaf) nodes[depth - 1];
    }

    /** The earliest deadline of the timeouts the bot is inside, in nanoClock time; Long.MAX_VALUE if none. */
    public long deadline() {
        long d = Long.MAX_VALUE;
        for (int i = 0; i < depth; i++) {
            if (nodes[i] instanceof Node.Timeout) {
                d = Math.min(d, deadline[i]);
            }
        }
        return d;
    }

    /** How many nodes deep the bot is (the root counts as one); for tests and diagnostics. */
    public int depth() {
        return depth;
    }

    /** Reports that the current leaf succeeded or failed and moves on. */
    public Progress complete(boolean success) {
        depth--; // the leaf
        return propagate(success);
    }

    /**
     * Reports that a timeout's deadline passed while the bot was inside it: the outermost expired
     * timeout fails, and everything inside it is abandoned.
     */
    public Progress expire() {
        long now = nanoClock.getAsLong();
        for (int i = 0; i < depth; i++) {
            if (nodes[i] instanceof Node.Timeout && deadline[i] - now <= 0) {
                depth = i;
                return propagate(false);
            }
        }
        throw new IllegalStateException("no timeout has expired");
    }

    private Progress propagate(boolean result) {
        while (depth > 0) {
            int f = depth - 1;
            Node node = nodes[f];
            switch (node) {
                case Node.Sequence s -> {
                    if (result && ++index[f] < s.children().size()) {
                        descend(s.children().get(index[f]));
                        return Progress.RUNNING;
                    }
                }
                case Node.Select s -> {
                    if (!result && ++index[f] < s.children().size()) {
                        descend(s.children().get(index[f]));
                        return Progress.RUNNING;
                    }
                }
                case Node.Repeat r -> {
                    if (++index[f] < r.times()) {
                        descend(r.child());
                        return Progress.RUNNING;
                    }
                    result = true;
                }
                case Node.RepeatUntil r -> {
                    if (result != r.until()) {
                        descend(r.child());
                        return Progress.RUNNING;
                    }
                    result = true;
                }
                case Node.Negate n -> result = !result;
                case Node.Always a -> result = a.result();
                case Node.Timeout t -> result = result && deadline[f] - nanoClock.getAsLong() > 0;
                case Node.Retry r -> {
                    if (index[f] < 0) { // the backoff wait is over: try again
                        index[f] = -index[f];
                        descend(r.child());
                        return Progress.RUNNING;
                    }
                    if (!result && index[f] + 1 < r.attempts()) {
                        int attempt = ++index[f];
                        index[f] = -attempt;
                        Duration pause = backoff(r.backoff(), attempt);
                        push(new Node.Wait(pause, pause));
                        return Progress.RUNNING;
                    }
                }
                case Node.RandomPick p -> {
                }
                case Node.WeightedRandom w -> {
                }
                case Node.Leaf leaf -> throw new IllegalStateException("a leaf cannot hold a child: " + leaf);
            }
            depth--;
        }
        return result ? Progress.SUCCEEDED : Progress.FAILED;
    }

    /** The pause before attempt {@code attempt + 1}: the backoff, doubled after each failed attempt. */
    static Duration backoff(Duration base, int attempt) {
        long factor = 1L << Math.min(attempt - 1, 20);
        try {
            Duration d = base.multipliedBy(factor);
            return d.compareTo(Node.LONGEST) > 0 ? Node.LONGEST : d;
        } catch (ArithmeticException e) {
            return Node.LONGEST;
        }
    }

    private void descend(Node node) {
        while (true) {
            int f = push(node);
            switch (node) {
                case Node.Leaf leaf -> {
                    return;
                }
                case Node.Sequence s -> node = s.children().get(0);
                case Node.Select s -> node = s.children().get(0);
                case Node.RandomPick p -> node = p.children().get(random.nextInt(p.children().size()));
                case Node.WeightedRandom w -> node = pick(w);
                case Node.Repeat r -> node = r.child();
                case Node.RepeatUntil r -> node = r.child();
                case Node.Negate n -> node = n.child();
                case Node.Always a -> node = a.child();
                case Node.Timeout t -> {
                    deadline[f] = nanoClock.getAsLong() + t.limit().toNanos();
                    node = t.child();
                }
                case Node.Retry r -> node = r.child();
            }
        }
    }

    private Node pick(Node.WeightedRandom w) {
        int ticket = random.nextInt(w.total());
        for (Node.Weighted choice : w.choices()) {
            ticket -= choice.weight();
            if (ticket < 0) {
                return choice.node();
            }
        }
        throw new IllegalStateException("weights do not add up");
    }

    private int push(Node node) {
        if (depth == nodes.length) {
            nodes = Arrays.copyOf(nodes, depth * 2);
            index = Arrays.copyOf(index, depth * 2);
            deadline = Arrays.copyOf(deadline, depth * 2);
        }
        nodes[depth] = node;
        index[depth] = 0;
        deadline[depth] = 0;
        return depth++;
    }
}
