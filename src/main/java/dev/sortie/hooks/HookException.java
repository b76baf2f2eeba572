package dev.sortie.hooks;

/** Thrown by {@link DeployEnv#run} when a command fails; throw it yourself to fail a hook with a clear message. */
public class HookException extends RuntimeException {

    public HookException(String message) {
        super(message);
    }

    public HookException(String message, Throwable cause) {
        super(message, cause);
    }
}
