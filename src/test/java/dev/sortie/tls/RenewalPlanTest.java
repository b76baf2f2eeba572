package dev.sortie.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Renewal planning: a third of the lifetime left, and a deploy's reuse of a stored certificate. */
class RenewalPlanTest {

    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");

    private static StoredCertificate cert(String app, Duration lifetime, String... domains) {
        return new StoredCertificate(app, Set.of(domains), BigInteger.TEN, ISSUED, ISSUED.plus(lifetime), Path.of("/h/tls/" + app + "/cert.pem"),
                Path.of("/h/tls/" + app + "/key.pem"));
    }

    @Test
    void aNinetyDayCertificateIsDueThirtyDaysBeforeItExpires() {
        StoredCertificate c = cert("shop", Duration.ofDays(90), "shop.test");
        assertEquals(Instant.parse("2026-03-02T00:00:00Z"), RenewalPlan.renewAt(c));
        assertFalse(RenewalPlan.isDue(c, Instant.parse("2026-03-01T23:59:59Z")));
        assertTrue(RenewalPlan.isDue(c, Instant.parse("2026-03-02T00:00:00Z")));
        assertTrue(RenewalPlan.isDue(c, Instant.parse("2026-05-01T00:00:00Z")), "an expired one is due too");
    }

    @Test
    void onlyTheDueAreRenewedInTheOrderGiven() {
        StoredCertificate young = cert("a", Duration.ofDays(90), "a.test");
        StoredCertificate shortLived = cert("b", Duration.ofDays(6), "b.test");
        StoredCertificate old = cert("c", Duration.ofDays(30), "c.test");
        Instant now = ISSUED.plus(Duration.ofDays(21));
        assertEquals(List.of(shortLived, old), RenewalPlan.due(List.of(young, shortLived, old), now));
        assertEquals(List.of(), RenewalPlan.due(List.of(young, shortLived, old), ISSUED.plusSeconds(1)));
    }

    @Test
    void aDeployReusesACertificateForTheSameDomainsInAnyOrderAndCase() {
        StoredCertificate c = cert("shop", Duration.ofDays(90), "shop.test", "www.shop.test");
        var d = RenewalPlan.forDeploy(Optional.of(c), List.of("WWW.shop.test", "shop.test"), ISSUED.plus(Duration.ofDays(10)));
        assertEquals(new RenewalPlan.Decision.Reuse(c), d);
    }

    @Test
    void aDeployOrdersWhenThereIsNoneTheDomainsChangedOrItIsDue() {
        StoredCertificate c = cert("shop", Duration.ofDays(90), "shop.test");
        Instant soon = ISSUED.plus(Duration.ofDays(10));
        assertEquals(new RenewalPlan.Decision.Order("no certificate yet"), RenewalPlan.forDeploy(Optional.empty(), List.of("shop.test"), soon));
        var more = assertInstanceOf(RenewalPlan.Decision.Order.class,
                RenewalPlan.forDeploy(Optional.of(c), List.of("shop.test", "www.shop.test"), soon));
        assertEquals("the domains changed (the certificate names shop.test)", more.reason());
        var fewer = assertInstanceOf(RenewalPlan.Decision.Order.class,
                RenewalPlan.forDeploy(Optional.of(cert("shop", Duration.ofDays(90), "shop.test", "x.test")), List.of("shop.test"), soon));
        assertTrue(fewer.reason().startsWith("the domains changed"), fewer.reason());
        var due = assertInstanceOf(RenewalPlan.Decision.Order.class,
                RenewalPlan.forDeploy(Optional.of(c), List.of("shop.test"), ISSUED.plus(Duration.ofDays(61))));
        assertTrue(due.reason().contains("within the last third"), due.reason());
        var expired = assertInstanceOf(RenewalPlan.Decision.Order.class,
                RenewalPlan.forDeploy(Optional.of(c), List.of("shop.test"), ISSUED.plus(Duration.ofDays(91))));
        assertTrue(expired.reason().contains("expired"), expired.reason());
    }
}
