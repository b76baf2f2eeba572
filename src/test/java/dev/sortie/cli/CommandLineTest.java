package dev.sortie.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The real {@code sortie} command line: usage text and what a mistyped command gets told. */
class CommandLineTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void herokuStyleColonCommandsSuggestTheSortieSpelling() {
        assertEquals(ExitCodes.USAGE, run("apps:create", "shop", "--reject"));
        assertEquals("sortie: unknown command 'apps:create'; did you mean: sortie apps create shop --reject\n", err.toString());
    }

    @Test
    void aColonWhoseFirstHalfIsNoCommandGetsPicocliAsBefore() {
        assertEquals(ExitCodes.USAGE, run("nosuch:thing"));
        assertTrue(err.toString().contains("Unmatched argument at index 0: 'nosuch:thing'"), err.toString());
        assertFalse(err.toString().contains("did you mean: sortie nosuch"), err.toString());
    }

    @Test
    void deployHelpShowsRefAsOptional() {
        assertEquals(ExitCodes.OK, run("deploy", "--help"));
        String usage = out.toString();
        assertTrue(usage.contains("NAME [REF]"), usage);
        assertTrue(usage.replaceAll("\\s+", " ").contains("(default: the app's deploy branch, main unless sortie.yml says branch:)"), usage);
    }
}
