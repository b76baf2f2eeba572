package dev.sortie.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

    @Test
    void plainWordsAndQuotes() throws Exception {
        assertEquals(List.of("git-receive-pack", "shop"), ShellWords.split("git-receive-pack 'shop'"));
        assertEquals(List.of("git-upload-pack", "/root/.sortie/apps/shop/repo.git"),
                ShellWords.split("git-upload-pack '/root/.sortie/apps/shop/repo.git'"));
        assertEquals(List.of("config", "set", "shop", "GREETING=hello world", "B=x;y|z"),
                ShellWords.split("  config\tset shop GREETING=\"hello world\" 'B=x;y|z' "));
        assertEquals(List.of("logs", "shop", "-f"), ShellWords.split("logs shop -f"));
        assertEquals(List.of("ab", ""), ShellWords.split("a'b' ''"));
        assertEquals(List.of(), ShellWords.split("   "));
    }

    @Test
    void refusesWhatAShellWouldActOn() {
        for (String line : List.of("apps list; id", "apps list | sh", "apps list && id", "apps list &", "apps list > /tmp/x",
                "apps < /etc/passwd", "echo $HOME", "echo `id`", "echo $(id)", "ls *", "a\\ b", "apps list # c", "a\nid",
                "ls ~", "(id)", "echo {a,b}", "x!y")) {
            assertThrows(ShellWords.Refused.class, () -> ShellWords.split(line), line);
        }
        for (String line : List.of("echo \"$HOME\"", "echo \"`id`\"", "echo \"a\\b\"")) {
            var e = assertThrows(ShellWords.Refused.class, () -> ShellWords.split(line), line);
            assertTrue(e.getMessage().contains("inside double quotes"), e.getMessage());
        }
        assertTrue(assertThrows(ShellWords.Refused.class, () -> ShellWords.split("a 'b")).getMessage().contains("unterminated single"));
        assertTrue(assertThrows(ShellWords.Refused.class, () -> ShellWords.split("a;b")).getMessage().contains("';' is not allowed"));
    }
}
