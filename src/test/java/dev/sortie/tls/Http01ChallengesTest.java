package dev.sortie.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The challenge answers as nginx config: one exact location an answer, and nothing but base64url reaches it. */
class Http01ChallengesTest {

    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    private static final String ANSWER = TOKEN + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

    @Test
    void anAnswerIsAnExactLocation() {
        assertEquals("""
                # ACME HTTP-01 answers, written by Sortie while it orders a certificate.
                location = /.well-known/acme-challenge/%s {
                    default_type text/plain;
                    return 200 %s;
                }
                """.formatted(TOKEN, ANSWER), Http01Challenges.render(Map.of(TOKEN, ANSWER)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc; } location / { return 200 pwned", "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ$PCt92wr", "short", "evaGxfADs6pSRb2L Av9IZf17"})
    void hostileTokensAreRefused(String token) {
        assertThrows(IllegalArgumentException.class, () -> Http01Challenges.render(Map.of(token, token + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI")));
    }

    @Test
    void anAnswerMustBelongToItsToken() {
        assertThrows(IllegalArgumentException.class, () -> Http01Challenges.render(Map.of(TOKEN, "AAAAAAAAAAAAAAAAAAAA.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI")));
        assertThrows(IllegalArgumentException.class, () -> Http01Challenges.render(Map.of(TOKEN, ANSWER + ";\n}")));
    }
}
