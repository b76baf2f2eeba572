package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.Proc;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed launcher's JIT flags, as the JVM itself reports them (-XX:+PrintCommandLineFlags
 * through JDK_JAVA_OPTIONS): C1 alone for short commands, the full JIT for `bots run` and `bots serve`.
 */
class LauncherJitE2ETest {

    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    @TempDir
    Path tmp;

    private String flags(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(InstalledSortie.bin().toString()));
        argv.addAll(List.of(args));
        Proc.Result r = Proc.run(tmp, Map.of("JDK_JAVA_OPTIONS", "-XX:+PrintCommandLineFlags", "SORTIE_HOME", tmp.toString()), 120, argv);
        r.assertOk();
        assertTrue(r.output().contains("-XX:+UseSerialGC"), "the JVM printed its flags: " + r.output());
        return r.output();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shortCommandsStartWithC1AloneAndBotRunsGetTheFullJit() throws Exception {
        assertTrue(flags("--version").contains(C1_ONLY));
        assertTrue(flags("bots", "test", "--help").contains(C1_ONLY));
        assertFalse(flags("bots", "run", "--help").contains(C1_ONLY));
        assertFalse(flags("bots", "serve", "--help").contains(C1_ONLY));
    }
}
