package dev.sortie.bots.run;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One threshold of a run and how it came out, for the summary, the JUnit report and the HTML report.
 *
 * @param threshold the threshold as the user wrote it, e.g. {@code GET /api/notes: p99 < 200ms}
 * @param actual    the measured value, formatted with its unit, e.g. {@code 212.4ms}, {@code 0.3%}, {@code 812/s}
 * @param passed    whether the measured value kept the threshold
 */
public record ThresholdResult(
        @JsonProperty("threshold") String threshold,
        @JsonProperty("actual") String actual,
        @JsonProperty("passed") boolean passed) {
}
