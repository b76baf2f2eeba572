package dev.sortie.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sortie.bots.metrics.ActionSnapshot;
import dev.sortie.bots.metrics.MetricsSnapshot;
import dev.sortie.bots.run.BotFailure;
import dev.sortie.bots.run.RunResult;
import dev.sortie.bots.run.ThresholdResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The JUnit report, read back by a real XML parser: whatever the names hold, it stays well-formed and says the same. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BotReportTest {

    private static final String HOSTILE = "<tag a=\"b\"> & 'q' ]]> \u0001end";

    @TempDir
    Path tmp;

    @Test
    void hostileNamesAndReasonsRoundTrip() throws Exception {
        RunResult result = new RunResult(false, "1 of 2 bots did not reach done: " + HOSTILE, 2, 1, 1,
                List.of(new BotFailure(2, "GET /x?a=1&b=<2>", BotFailure.Kind.FAIL, "expected \"ok\" ]]> got <html>")),
                List.of(new ThresholdResult("all: p99 < 200ms", "212ms", false), new ThresholdResult(HOSTILE + ": count > 1", "3", true)), 0);
        MetricsSnapshot m = new MetricsSnapshot(0, 1, 2, Map.of("GET /x?a=1&b=<2>", new ActionSnapshot(1, 1, 0, 1, 2, 1, 1, 1, 1)));
        Path file = tmp.resolve("reports/junit.xml");
        BotReport.writeJUnit(file, "suite " + HOSTILE, result, m, 1.5);

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        Element suite = doc.getDocumentElement();
        assertEquals("suite <tag a=\"b\"> & 'q' ]]>  end", suite.getAttribute("name"), "a control character becomes a space");
        assertEquals("4", suite.getAttribute("tests"), "two bots and two thresholds");
        assertEquals("2", suite.getAttribute("failures"));
        NodeList cases = suite.getElementsByTagName("testcase");
        assertEquals(4, cases.getLength());
        assertEquals("bot 1", ((Element) cases.item(0)).getAttribute("name"));
        assertEquals(0, ((Element) cases.item(0)).getElementsByTagName("failure").getLength());
        Element bot2 = (Element) ((Element) cases.item(1)).getElementsByTagName("failure").item(0);
        assertEquals("GET /x?a=1&b=<2>: expected \"ok\" ]]> got <html>", bot2.getAttribute("message"));
        assertEquals("GET /x?a=1&b=<2>: expected \"ok\" ]]> got <html>", bot2.getTextContent());
        assertEquals("fail", bot2.getAttribute("type"));
        Element threshold = (Element) cases.item(2);
        assertEquals("all: p99 < 200ms", threshold.getAttribute("name"));
        assertEquals("measured 212ms", ((Element) threshold.getElementsByTagName("failure").item(0)).getAttribute("message"));
        assertEquals("<tag a=\"b\"> & 'q' ]]>  end: count > 1", ((Element) cases.item(3)).getAttribute("name"));
        String out = suite.getElementsByTagName("system-out").item(0).getTextContent();
        assertEquals(true, out.contains("FAILED all: p99 < 200ms (measured 212ms)"), out);
        assertEquals(true, out.endsWith("1 of 2 bots did not reach done: <tag a=\"b\"> & 'q' ]]>  end"), out);
    }
}
