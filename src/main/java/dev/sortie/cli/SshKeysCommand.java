package dev.sortie.cli;

import dev.sortie.access.KeyRights;
import dev.sortie.access.SshKeys;
import dev.sortie.app.Sortie;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie ssh-keys}: the SSH keys that may push (and, admin keys, run sortie commands) over SSH. */
@Command(name = "ssh-keys", mixinStandardHelpOptions = true,
        description = {"Manage the SSH keys that may push over SSH, each with its rights.",
            "Each key gets one line in authorized_keys (ssh: {authorized_keys} in the server config, else ~/.ssh/authorized_keys)"
                + " that lets it run only sortie ssh-shell; other lines are never touched."},
        subcommands = {SshKeysCommand.Add.class, SshKeysCommand.ListKeys.class, SshKeysCommand.Remove.class})
final class SshKeysCommand implements Runnable {

    /** A public key file is a few hundred bytes; this is far more than any. */
    private static final int MAX_KEY_BYTES = 16 * 1024;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static SshKeys keys() {
        Sortie sortie = Homes.sortie();
        return new SshKeys(sortie.home(), SshKeys.authorizedKeys(sortie.server()), Launcher.sortieCommand());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add a public key (read from standard input) under NAME, or replace the key and rights of NAME.",
                "e.g. sortie ssh-keys add alice --apps shop < alice.pub"})
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The key's name: recorded as the pusher in the deploy history.")
        String name;

        @ArgGroup(exclusive = true)
        Apps apps;

        static final class Apps {
            @Option(names = "--apps", split = ",", paramLabel = "APP", description = "The apps the key may push and fetch.")
            List<String> apps;

            @Option(names = "--all", description = "Every app, also those created later.")
            boolean all;
        }

        @Option(names = "--admin", description = "Also run sortie commands over SSH (apps list, config set, rollback, logs...); pushes every app.")
        boolean admin;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            byte[] input = System.in.readNBytes(MAX_KEY_BYTES + 1);
            if (input.length > MAX_KEY_BYTES) {
                throw new UserError(ExitCodes.CONFIG, "expected one public key on standard input, got more than " + MAX_KEY_BYTES + " bytes");
            }
            KeyRights rights = new KeyRights(apps == null || apps.apps == null ? List.of() : apps.apps, apps != null && apps.all, admin);
            SshKeys keys = keys();
            SshKeys.Added added = keys.add(name, new String(input, StandardCharsets.UTF_8), rights);
            var out = spec.commandLine().getOut();
            out.println((added.replaced() ? "Replaced" : "Added") + " key " + name + " (" + added.key().key().fingerprint() + "): "
                    + rights.describe() + ".");
            out.println("Its line in " + keys.authorizedKeysFile() + " runs only sortie ssh-shell " + name + ".");
            added.foreignLine().ifPresent(line -> spec.commandLine().getErr().println("sortie: warning: line " + line + " of "
                    + keys.authorizedKeysFile() + " (not Sortie's) holds the same key, and sshd uses the first line that matches:"
                    + " remove that line, or this key keeps a full shell"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys: name, fingerprint and rights.")
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            SshKeys keys = keys();
            var out = spec.commandLine().getOut();
            List<SshKeys.Listed> listed = keys.list();
            if (listed.isEmpty()) {
                out.println("No SSH keys yet. Add one: sortie ssh-keys add NAME --apps APP < key.pub");
                return ExitCodes.OK;
            }
            out.printf("%-20s %-51s %s%n", "NAME", "FINGERPRINT", "RIGHTS");
            for (SshKeys.Listed k : listed) {
                out.printf("%-20s %-51s %s%s%n", k.key().name(), k.key().key().fingerprint(), k.key().rights().describe(),
                        k.inFile() ? "" : "  (its line is missing from " + keys.authorizedKeysFile() + ": add it again)");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a key: its authorized_keys line and its rights.")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (!keys().remove(name)) {
                throw new UserError(ExitCodes.UNAVAILABLE, "no key named " + name + " (see: sortie ssh-keys list)");
            }
            spec.commandLine().getOut().println("Removed key " + name + ".");
            return ExitCodes.OK;
        }
    }
}
