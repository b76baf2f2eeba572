package dev.sortie.hooks.runtime;

import java.util.List;

/** UpgradeHooks.java does not compile or is not usable; {@code details} are javac's diagnostics or the rules broken. */
public final class HookCompileException extends Exception {

    private final transient List<String> details;

    public HookCompileException(String message, List<String> details) {
        super(message);
        this.details = List.copyOf(details);
    }

    public List<String> details() {
        return details;
    }
}
