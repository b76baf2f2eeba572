package dev.sortie.bots.tree;

import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;

/**
 * The fluent way to write a tree in Java. {@code import static dev.sortie.bots.tree.Trees.*;}
 * then, for example:
 * <pre>{@code
 * sequence(
 *     action(MyActions::getReady),
 *     waitSeconds(5),
 *     select(action("try 42", ctx -> MyActions.trySomething(ctx, 42)), error("darn, didn't work")),
 *     done())
 * }</pre>
 */
public final class Trees {

    private Trees() {
    }

    /** An action named after the referenced method ({@code MyActions::getReady} is "getReady"). */
    public static Node action(ActionFn fn) {
        return new Node.Action(nameOf(fn), fn);
    }

    public static Node action(String name, ActionFn fn) {
        return new Node.Action(name, fn);
    }

    /** An action that ends the bot's work. */
    public static Node done() {
        return DONE;
    }

    /** An action that stops the bot with an error. */
    public static Node error(String reason) {
        Outcome outcome = Outcome.error(reason);
        return new Node.Action("error", ctx -> outcome);
    }

    /** An action that always succeeds; handy as a placeholder. */
    public static Node succeed() {
        return SUCCEED;
    }

    /** An action that always fails. */
    public static Node fail() {
        return FAIL;
    }

    public static Node sequence(Node... children) {
        return new Node.Sequence(List.of(children));
    }

    public static Node sequence(List<Node> children) {
        return new Node.Sequence(children);
    }

    public static Node select(Node... children) {
        return new Node.Select(List.of(children));
    }

    public static Node select(List<Node> children) {
        return new Node.Select(children);
    }

    public static Node random(Node... children) {
        return new Node.RandomPick(List.of(children));
    }

    public static Node weightedRandom(Node.Weighted... choices) {
        return new Node.WeightedRandom(List.of(choices));
    }

    public static Node.Weighted weight(int weight, Node node) {
        return new Node.Weighted(weight, node);
    }

    public static Node repeat(int times, Node child) {
        return new Node.Repeat(times, child);
    }

    public static Node repeatUntilSucceed(Node child) {
        return new Node.RepeatUntil(true, child);
    }

    public static Node repeatUntilFail(Node child) {
        return new Node.RepeatUntil(false, child);
    }

    public static Node negate(Node child) {
        return new Node.Negate(child);
    }

    public static Node alwaysSucceed(Node child) {
        return new Node.Always(true, child);
    }

    public static Node alwaysFail(Node child) {
        return new Node.Always(false, child);
    }

    public static Node waitSeconds(double seconds) {
        Duration d = seconds(seconds);
        return new Node.Wait(d, d);
    }

    /** A wait of a uniformly random length between min and max seconds, drawn for each run. */
    public static Node waitSeconds(double min, double max) {
        return new Node.Wait(seconds(min), seconds(max));
    }

    public static Node wait(Duration d) {
        return new Node.Wait(d, d);
    }

    public static Node timeout(Node child, Duration limit) {
        return new Node.Timeout(child, limit);
    }

    /** Runs child up to {@code attempts} times until it succeeds, pausing backoff, 2x backoff, 4x... between tries. */
    public static Node retry(Node child, int attempts, Duration backoff) {
        return new Node.Retry(child, attempts, backoff);
    }

    public static Node parallelAll(Node... children) {
        return new Node.Parallel(List.of(children), true);
    }

    public static Node parallelFirst(Node... children) {
        return new Node.Parallel(List.of(children), false);
    }

    static Duration seconds(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("a wait needs a number of seconds >= 0, got " + seconds);
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private static final Node DONE = new Node.Action("done", ctx -> Outcome.done());
    private static final Node SUCCEED = new Node.Action("succeed", ctx -> Outcome.succeed());
    private static final Node FAIL = new Node.Action("fail", ctx -> Outcome.fail());

    /** The method a method reference points to; a lambda has no useful name and must be given one. */
    static String nameOf(ActionFn fn) {
        try {
            Method writeReplace = fn.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            SerializedLambda lambda = (SerializedLambda) writeReplace.invoke(fn);
            String name = lambda.getImplMethodName();
            if (!name.startsWith("lambda$")) {
                return name;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not a serializable lambda: an ordinary ActionFn class
            if (!fn.getClass().isSynthetic() && !fn.getClass().isAnonymousClass()) {
                return fn.getClass().getSimpleName();
            }
        }
        throw new IllegalArgumentException("an action written as a lambda needs a name: action(\"name\", ctx -> ...)");
    }
}
