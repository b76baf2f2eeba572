package dev.sortie.bots.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Why one bot did not reach done (integration) or ended with an error (load): data, so reports
 * never parse a sentence back.
 *
 * @param bot    the bot's id
 * @param action the action that failed, errored or was cut short; null when no action is to blame
 * @param kind   what happened
 * @param reason what the action (or the run) said, e.g. {@code expected status 200, got 502}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BotFailure(
        @JsonProperty("bot") long bot,
        @JsonProperty("action") String action,
        @JsonProperty("kind") Kind kind,
        @JsonProperty("reason") String reason) {

    /** What kind of end it was. */
    public enum Kind {
        /** An action failed (a check did not hold) and the tree failed with it. */
        FAIL,
        /** An action returned an error, which ends the bot. */
        ERROR,
        /** A timeout cut an action short, or the bot ran out of its time. */
        TIMEOUT,
        /** The run ended (stopped, timed out or aborted) before the bot finished. */
        STOPPED,
        /** The bot's thread crashed or ignored an interrupt: a bug in the tree's code. */
        CRASHED;

        @JsonValue
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One line for people: {@code check message: the body does not contain "first"}, without the bot's id. */
    @JsonIgnore
    public String what() {
        return action == null ? reason : action + ": " + reason;
    }

    /** {@code bot 3: check message: the body does not contain "first"}. */
    @JsonIgnore
    public String line() {
        return "bot " + bot + ": " + what();
    }
}
