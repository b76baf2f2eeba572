package dev.sortie.e2e;

import dev.sortie.deploy.Journal;
import dev.sortie.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Reading deploy journals from an installed Sortie's home, for tests that do not follow a push's output. */
final class FaultsE2ETestJournals {

    private FaultsE2ETestJournals() {
    }

    static Path newest(Path home, String app) throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("apps").resolve(app).resolve("deploys"))) {
            return files.max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    /** Waits for the journal's terminal line and returns it as written. */
    static String awaitEnd(Path journal) throws InterruptedException {
        String[] last = {""};
        Await.until("the deploy " + journal.getFileName() + " ends", () -> {
            try {
                var lines = Journal.read(journal);
                if (!lines.isEmpty() && lines.getLast().event().terminal()) {
                    var all = Files.readAllLines(journal);
                    last[0] = all.getLast();
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
            return false;
        });
        return last[0];
    }
}
