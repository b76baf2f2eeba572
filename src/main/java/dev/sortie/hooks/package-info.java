/**
 * The public API of project hooks: everything an {@code UpgradeHooks.java} may use from Sortie.
 *
 * <p>Put {@code UpgradeHooks.java} at the root of the app's repository. Sortie compiles it at
 * deploy time and calls its public methods named {@code before_<step>} and {@code after_<step>}
 * around each step ({@code deps, compile, package, make_upgrade_dir, copy_release,
 * upgrade_service, configure_nginx, run_bots}), and {@code on_failure} once if the deploy fails.
 * A hook takes no parameter or one {@link dev.sortie.hooks.DeployEnv}; {@code on_failure} may also take
 * {@code (DeployEnv env, String stepId, Throwable error)}. Methods may be static or instance
 * methods (one instance per deploy, made with the public no-argument constructor).
 */
package dev.sortie.hooks;
