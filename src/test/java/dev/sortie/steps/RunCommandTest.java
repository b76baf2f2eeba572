package dev.sortie.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunCommandTest {

    private static final String PROCFILE = "worker: java -cp app.jar Worker\nweb: java -Dx=1 -jar app.jar\n";

    @Test
    void sortieYmlRunWinsOverEverything() {
        var choice = RunCommand.choose(List.of("./start", "--fast"), Optional.of(PROCFILE), Optional.of("app.jar"));
        assertEquals(Optional.of(new RunCommand.Choice(List.of("./start", "--fast"), "sortie.yml run")), choice);
    }

    @Test
    void procfileWebWinsOverJar() {
        var choice = RunCommand.choose(null, Optional.of(PROCFILE), Optional.of("app.jar"));
        assertEquals(Optional.of(new RunCommand.Choice(List.of("java", "-Dx=1", "-jar", "app.jar"), "Procfile web")), choice);
    }

    @Test
    void procfileWithoutWebFallsBackToJar() {
        var choice = RunCommand.choose(null, Optional.of("worker: ./work\n"), Optional.of("shop-1.0.jar"));
        assertEquals(Optional.of(new RunCommand.Choice(List.of("java", "-jar", "shop-1.0.jar"), "packaged jar")), choice);
    }

    @Test
    void jarAlone() {
        var choice = RunCommand.choose(null, Optional.empty(), Optional.of("app.jar"));
        assertEquals(Optional.of(new RunCommand.Choice(List.of("java", "-jar", "app.jar"), "packaged jar")), choice);
    }

    @Test
    void nothingGivesEmpty() {
        assertEquals(Optional.empty(), RunCommand.choose(null, Optional.empty(), Optional.empty()));
        assertEquals(Optional.empty(), RunCommand.choose(null, Optional.of("web:   \n"), Optional.empty()));
    }

    @Test
    void procfileQuotesGroupWords() {
        assertEquals(Optional.of(List.of("java", "-Dgreeting=hello world", "-jar", "my app.jar", "it's")),
                RunCommand.procfileWeb("web: java \"-Dgreeting=hello world\" -jar 'my app.jar' \"it's\""));
    }

    @Test
    void procfileSkipsOtherProcessTypesAndIndentation() {
        String procfile = "release: ./migrate\r\n  web:   ./bin/server   --port $PORT  \r\nworker: ./work\n";
        assertEquals(Optional.of(List.of("./bin/server", "--port", "$PORT")), RunCommand.procfileWeb(procfile));
    }

    @Test
    void procfileFirstWebLineWins() {
        assertEquals(Optional.of(List.of("a")), RunCommand.procfileWeb("web: a\nweb: b\n"));
    }

    @Test
    void procfileTypeMustBeExactlyWeb() {
        assertEquals(Optional.empty(), RunCommand.procfileWeb("webby: ./x\nwebworker: ./y\n"));
    }

    @Test
    void quotedEmptyWordIsKept() {
        assertEquals(List.of("echo", "", "x"), RunCommand.words("echo '' x"));
        assertEquals(List.of("ab"), RunCommand.words("a\"\"b"));
        assertEquals(List.of(), RunCommand.words("   "));
    }

    @Test
    void expandReplacesBothForms() {
        assertEquals(List.of("java", "-Dserver.port=8123", "-jar", "app.jar", "--name=hello-8123"),
                RunCommand.expand(List.of("java", "-Dserver.port=$PORT", "-jar", "app.jar", "--name=${APP}-${PORT}"),
                        Map.of("PORT", "8123", "APP", "hello")));
    }

    @Test
    void expandedValuesAreLiteral() {
        assertEquals(List.of("a$b\\c ;d"), RunCommand.expand(List.of("$X"), Map.of("X", "a$b\\c ;d")));
    }

    @Test
    void expandLeavesArgsWithoutVariablesAlone() {
        assertEquals(List.of("100%", "$", "a$"), RunCommand.expand(List.of("100%", "$", "a$"), Map.of()));
    }

    @Test
    void unknownVariableIsAnError() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> RunCommand.expand(List.of("--db=${DATABASE_URL}"), Map.of("PORT", "1")));
        assertEquals("the run command uses $DATABASE_URL, which is not set (set it: add it to the app's env)", e.getMessage());
    }
}
