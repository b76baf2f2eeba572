package dev.sortie.bots.tree;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * One bot's position in a tree: a stack of the nodes it is inside, each with a little state
 * (which child, how many times, its deadline). The runner asks for {@link #current()}, runs that
 * leaf and reports the result with {@link #complete(boolean)}; the cursor then moves to the next
 * leaf. Nothing here blocks or sleeps, so every node's semantics are testable tick by tick. A bot
 * at a wait is asleep here ({@link #sleepUntil}): the cursor holds when it wakes, so a waiting bot
 * needs no thread, only its cursor, its context and a timer entry.
 */
public final class Cursor {

    /** Where the tree stands after a leaf completes. */
    public enum Progress { RUNNING, SUCCEEDED, FAILED }

    private static final byte AWAKE = 0;
    private static final byte ASLEEP = 1;
    /** Asleep at a wait that a timeout's deadline cuts short: on waking, the timeout expires. */
    private static final byte ASLEEP_CUT = 2;

    private final Node root;
    private final RandomGenerator random;
    private final LongSupplier nanoClock;
    private Node[] nodes;
    private int[] index;
    /** Each frame's deadline; only a timeout has one, so this is allocated when the bot first enters one. */
    private long[] deadline;
    private int depth;
    private byte sleep;
    private long wakeAt;

    public Cursor(Node root, RandomGenerator random, LongSupplier nanoClock) {
        this(root, random, nanoClock, 8);
    }

    /**
     * A cursor whose stack starts with room for {@code capacity} frames (it grows if the bot goes
     * deeper); {@link #maxDepth(Node)} of the tree makes it exact, which matters at a million bots.
     */
    public Cursor(Node root, RandomGenerator random, LongSupplier nanoClock, int capacity) {
        this.root = root;
        this.random = random;
        this.nanoClock = nanoClock;
        this.nodes = new Node[Math.max(1, capacity)];
        this.index = new int[nodes.length];
        restart();
    }

    /** How many frames deep a bot can go in this tree (a retry counts one more, for its backoff wait). */
    public static int maxDepth(Node node) {
        return 1 + switch (node) {
            case Node.Leaf leaf -> 0;
            case Node.Sequence s -> deepest(s.children());
            case Node.Select s -> deepest(s.children());
            case Node.RandomPick p -> deepest(p.children());
            case Node.WeightedRandom w -> w.choices().stream().mapToInt(c -> maxDepth(c.node())).max().orElse(0);
            case Node.Repeat r -> maxDepth(r.child());
            case Node.RepeatUntil r -> maxDepth(r.child());
            case Node.Negate n -> maxDepth(n.child());
            case Node.Always a -> maxDepth(a.child());
            case Node.Timeout t -> maxDepth(t.child());
            case Node.Retry r -> Math.max(1, maxDepth(r.child()));
        };
    }

    private static int deepest(java.util.List<Node> children) {
        int d = 0;
        for (Node c : children) {
            d = Math.max(d, maxDepth(c));
        }
        return d;
    }

    /** Back to the tree's first leaf, as a bot does after finishing a pass. */
    public void restart() {
        depth = 0;
        sleep = AWAKE;
        descend(root);
    }

    /**
     * The bot sleeps at its current wait until {@code wakeAt} (System.nanoTime); {@code ranCourse}
     * is false when a timeout's deadline cuts the wait short, so that waking expires the timeout.
     */
    public void sleepUntil(long wakeAt, boolean ranCourse) {
        if (!(current() instanceof Node.Wait)) {
            throw new IllegalStateException("only a wait sleeps, not " + current());
        }
        this.wakeAt = wakeAt;
        this.sleep = ranCourse ? ASLEEP : ASLEEP_CUT;
    }

    /** True while the bot sleeps at a wait. */
    public boolean asleep() {
        return sleep != AWAKE;
    }

    /** When a sleeping bot wakes, in System.nanoTime. */
    public long wakeAt() {
        return wakeAt;
    }

    /**
     * Wakes the bot: a wait that ran its course completes (and the cursor moves on); one a deadline
     * cut short stays current, for the runner to expire its timeout.
     */
    public Progress wake() {
        if (sleep == AWAKE) {
            throw new IllegalStateException("the bot is not asleep");
        }
        boolean ranCourse = sleep == ASLEEP;
        sleep = AWAKE;
        return ranCourse ? complete(true) : Progress.RUNNING;
    }

    /** The leaf the bot runs next. */
    public Node.Leaf current() {
        return (Node.Leaf) nodes[depth - 1];
    }

    /** The earliest deadline of the timeouts the bot is inside, in nanoClock time; Long.MAX_VALUE if none. */
    public long deadline() {
        long d = Long.MAX_VALUE;
        if (deadline == null) {
            return d;
        }
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
                    if (deadline == null) {
                        deadline = new long[nodes.length];
                    }
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
            if (deadline != null) {
                deadline = Arrays.copyOf(deadline, depth * 2);
            }
        }
        nodes[depth] = node;
        index[depth] = 0;
        if (deadline != null) {
            deadline[depth] = 0;
        }
        return depth++;
    }
}
