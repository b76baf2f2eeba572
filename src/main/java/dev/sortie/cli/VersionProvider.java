package dev.sortie.cli;

import picocli.CommandLine;

/** Reads the version from the jar manifest. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    public static String version() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"sortie " + version() + " (Java " + Runtime.version() + ")"};
    }
}
