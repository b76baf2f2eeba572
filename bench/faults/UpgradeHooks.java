import dev.sortie.hooks.DeployEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fault injection for bench/faults.sh. A hook does what a marker file in the control dir
 * (FAULTS_DIR, filled in by the script) says for it, once (the marker is deleted when it fires):
 * pause-HOOK sleeps 60s (to be killed -9), throw-HOOK throws, hang-HOOK sleeps 30s (past
 * hooks.timeout), run-HOOK runs the argv in the marker (one word a line) with env.run.
 * Before acting it writes at-HOOK: "KIND EPOCH_MILLIS", so the script knows when the fault fired.
 */
public class UpgradeHooks {
    static final Path CTL = Path.of("FAULTS_DIR");

    static void fault(String hook, DeployEnv env) throws Exception {
        for (String kind : new String[] {"pause", "throw", "hang", "run"}) {
            Path marker = CTL.resolve(kind + "-" + hook);
            if (!Files.exists(marker)) {
                continue;
            }
            List<String> argv = Files.readAllLines(marker).stream().filter(l -> !l.isEmpty()).toList();
            Files.delete(marker);
            Files.writeString(CTL.resolve("at-" + hook), kind + " " + System.currentTimeMillis() + "\n");
            switch (kind) {
                case "pause" -> Thread.sleep(60_000);
                case "throw" -> throw new IllegalStateException("injected fault in " + hook);
                case "hang" -> Thread.sleep(30_000);
                default -> env.run(argv.toArray(String[]::new));
            }
        }
    }

    public void after_deps(DeployEnv env) throws Exception { fault("after_deps", env); }
    public void after_compile(DeployEnv env) throws Exception { fault("after_compile", env); }
    public void after_package(DeployEnv env) throws Exception { fault("after_package", env); }
    public void after_make_upgrade_dir(DeployEnv env) throws Exception { fault("after_make_upgrade_dir", env); }
    public void after_copy_release(DeployEnv env) throws Exception { fault("after_copy_release", env); }
    public void after_upgrade_service(DeployEnv env) throws Exception { fault("after_upgrade_service", env); }
    public void after_configure_nginx(DeployEnv env) throws Exception { fault("after_configure_nginx", env); }
    public void before_run_bots(DeployEnv env) throws Exception { fault("before_run_bots", env); }
}
