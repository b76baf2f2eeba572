package dev.sortie.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real process to completion with a time bound and captures its merged output. */
public final class Proc {

    /** What a finished process left. */
    public record Result(int exit, String output) {
        public Result assertOk() {
            if (exit != 0) {
                throw new AssertionError("exit " + exit + ", output:\n" + output);
            }
            return this;
        }
    }

    private Proc() {
    }

    public static Result run(Path dir, Map<String, String> env, long timeoutSeconds, List<String> argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        var out = new java.io.ByteArrayOutputStream();
        Thread pump = Thread.ofVirtual().start(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException ignored) {
                // the process closed its output
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            pump.join(5000);
            throw new AssertionError(argv + " did not finish within " + timeoutSeconds + "s; output so far:\n" + out.toString(StandardCharsets.UTF_8));
        }
        pump.join(10_000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }
}
