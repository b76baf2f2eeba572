package dev.sortie.bots.tree;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * One bot's private state that its actions read and extend: its id, the target it works against
 * and a map of values saved by earlier actions. Only the thread running the bot touches it (a bot
 * that waits goes on, on another thread, after the run's timer hands it over).
 */
public final class BotContext {

    private final long botId;
    private final String target;
    /** Null until the first value is saved: a bot that only waits carries no map. */
    private HashMap<String, Object> values;
    private String lastProblem;

    public BotContext(long botId, String target) {
        this(botId, target, null);
    }

    private BotContext(long botId, String target, HashMap<String, Object> values) {
        this.botId = botId;
        this.target = target;
        this.values = values;
    }

    /** The bot's number, unique within a run and never reused. */
    public long botId() {
        return botId;
    }

    /** The base URL the bot works against, without a trailing slash (may be empty). */
    public String target() {
        return target;
    }

    public Object get(String key) {
        if ("bot_id".equals(key)) {
            return botId;
        }
        return values == null ? null : values.get(key);
    }

    /** The value as text, or an error naming the missing key. */
    public String require(String key) {
        Object v = get(key);
        if (v == null) {
            throw new IllegalStateException("the bot's context has no '" + key + "' (known: " + keys() + ")");
        }
        return String.valueOf(v);
    }

    public boolean has(String key) {
        return "bot_id".equals(key) || values != null && values.containsKey(key);
    }

    public void put(String key, Object value) {
        map().put(key, value);
    }

    public void putAll(Map<String, ?> more) {
        if (!more.isEmpty()) {
            map().putAll(more);
        }
    }

    private HashMap<String, Object> map() {
        if (values == null) {
            values = new HashMap<>(4);
        }
        return values;
    }

    /** The saved values, read-only. */
    public Map<String, Object> values() {
        return values == null ? Map.of() : Collections.unmodifiableMap(values);
    }

    /** The saved values (plus bot_id), sorted, for messages. */
    public String keys() {
        var names = new TreeSet<>(values().keySet());
        names.add("bot_id");
        return String.join(", ", names);
    }

    /** The last action that failed or errored, with its reason (e.g. "GET /health: expected status 200, got 502"); null if none. */
    public String lastProblem() {
        return lastProblem;
    }

    void noteProblem(String problem) {
        lastProblem = problem;
    }

    /** A copy with the same id and values, for a parallel branch. */
    public BotContext copy() {
        return new BotContext(botId, target, values == null ? null : new HashMap<>(values));
    }
}
