package dev.sortie.service;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to start one instance of one release. {@code env} is the whole environment
 * the process gets: nothing leaks in from whoever started the daemon.
 */
public record InstanceSpec(
        String app,
        String release,
        String workDir,
        List<String> argv,
        Map<String, String> env,
        int port,
        String logFile) {

    public InstanceSpec {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    public String key() {
        return app + "/" + release;
    }
}
