import dev.sortie.hooks.DeployEnv;
import dev.sortie.hooks.HookException;

/**
 * Project hooks: Sortie compiles this file at every deploy and calls the methods below around
 * its steps, in this order. Delete the ones you do not need; a method for a step that does not
 * exist (before_compiel) is an error. Check this file before you push: sortie hooks check
 *
 * A hook is public, static or not, and takes no parameter or one DeployEnv. It fails its step
 * (and the deploy, while the previous release keeps serving) when it throws, runs a command
 * that fails, or runs longer than hooks.timeout in sortie.yml (default 5m).
 *
 * DeployEnv (read-only): app(), commit(), previousCommit(), branch(), releaseId(), releaseDir(),
 * buildDir(), port() (from after_upgrade_service on), config(), firstDeploy(),
 * log("line") to print to the pusher, run("argv", "...") to run a command in the build dir.
 */
public class UpgradeHooks {

    public void before_deps(DeployEnv env) {
        env.log("deploying " + env.commit().substring(0, 7) + (env.firstDeploy() ? " (first deploy)" : ""));
    }

    public void after_deps(DeployEnv env) {
    }

    public void before_compile(DeployEnv env) {
    }

    public void after_compile(DeployEnv env) {
    }

    public void before_package(DeployEnv env) {
    }

    public void after_package(DeployEnv env) {
    }

    public void before_make_upgrade_dir(DeployEnv env) {
    }

    public void after_make_upgrade_dir(DeployEnv env) {
    }

    public void before_copy_release(DeployEnv env) {
    }

    public void after_copy_release(DeployEnv env) {
    }

    public void before_upgrade_service(DeployEnv env) {
        // e.g. env.run("java", "-jar", "target/migrate.jar") to migrate the database first
    }

    public void after_upgrade_service(DeployEnv env) {
        env.log("new instance healthy on port " + env.port().orElseThrow());
    }

    public void before_configure_nginx(DeployEnv env) {
    }

    public void after_configure_nginx(DeployEnv env) {
    }

    public void before_run_bots(DeployEnv env) {
    }

    public void after_run_bots(DeployEnv env) {
    }

    /** Runs once if the deploy fails, after the previous release is serving again. */
    public void on_failure(DeployEnv env, String stepId, Throwable error) {
        env.log("deploy failed at " + stepId + ": " + error.getMessage());
    }
}
