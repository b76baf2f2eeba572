package dev.sortie.bots.tree;

import java.util.Map;

/** What an action reports after one run; the bot's tree moves on according to it. */
public sealed interface Outcome {

    /** The action worked; {@code additions} are put into the bot's context. */
    record Succeed(Map<String, Object> additions) implements Outcome {
        public Succeed {
            additions = Map.copyOf(additions);
        }
    }

    /** The action did not work (reason may be null); the enclosing node decides what happens next. */
    record Fail(String reason) implements Outcome {
    }

    /** The action is not finished: the bot runs the same action again. */
    record Continue() implements Outcome {
    }

    /** The bot has finished its work and stops. */
    record Done() implements Outcome {
    }

    /** Something went wrong that the tree cannot handle: the bot stops and the error is counted. */
    record Error(String reason) implements Outcome {
        public Error {
            reason = reason == null || reason.isBlank() ? "error" : reason;
        }
    }

    Fail FAIL = new Fail(null);
    Continue CONTINUE = new Continue();
    Done DONE = new Done();
    Succeed SUCCEED = new Succeed(Map.of());

    static Outcome succeed() {
        return SUCCEED;
    }

    static Outcome succeed(Map<String, ?> additions) {
        return additions.isEmpty() ? SUCCEED : new Succeed(Map.copyOf(additions));
    }

    static Outcome succeed(String key, Object value) {
        return new Succeed(Map.of(key, value));
    }

    static Outcome fail() {
        return FAIL;
    }

    /** A failure with a reason that logs and reports show, e.g. "expected status 200, got 502". */
    static Outcome fail(String reason) {
        return new Fail(reason);
    }

    /** Run this action again (bot_army's {@code :continue}). */
    static Outcome again() {
        return CONTINUE;
    }

    static Outcome done() {
        return DONE;
    }

    static Outcome error(String reason) {
        return new Error(reason);
    }

    /** The word used in logs and metrics: succeed, fail, continue, done or error. */
    default String label() {
        return switch (this) {
            case Succeed s -> "succeed";
            case Fail f -> "fail";
            case Continue c -> "continue";
            case Done d -> "done";
            case Error e -> "error";
        };
    }
}
