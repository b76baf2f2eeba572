package dev.sortie.bots.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How a run ended. An integration run passes only if every bot reached done with no error.
 *
 * @param failures one line per bot that did not reach done (the first 1000), e.g. "bot 3: GET /health: fail"
 */
public record RunResult(
        @JsonProperty("passed") boolean passed,
        @JsonProperty("reason") String reason,
        @JsonProperty("bots") long bots,
        @JsonProperty("done") long done,
        @JsonProperty("errors") long errors,
        @JsonProperty("failures") List<String> failures) {
}
