import dev.sortie.hooks.DeployEnv;
import dev.sortie.hooks.HookException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sortie compiles this file at every deploy and calls these methods around its steps.
 * Check it before pushing: sortie hooks check
 */
public class UpgradeHooks {

    /** Says what is being deployed over what. */
    public void before_deps(DeployEnv env) {
        String over = env.previousCommit().map(c -> "over " + c.substring(0, 7)).orElse("as the first release");
        env.log("hello: deploying " + env.commit().substring(0, 7) + " (" + env.branch() + ") " + over);
    }

    /** The release must have the jar it runs: fail the deploy here, with a clear message, rather than at start-up. */
    public void after_package(DeployEnv env) throws Exception {
        Path jar = env.buildDir().resolve("target/hello.jar");
        if (!Files.isRegularFile(jar)) {
            throw new HookException("target/hello.jar is missing: the release would have nothing to run");
        }
        env.log("target/hello.jar is " + Files.size(jar) / 1024 + " KiB");
    }

    /** The new instance is healthy but not yet receiving traffic. */
    public void after_upgrade_service(DeployEnv env) {
        env.log("release " + env.releaseId() + " is healthy on port " + env.port().orElseThrow() + "; switching traffic next");
    }
}
