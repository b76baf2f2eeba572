package dev.sortie.fleet;

import dev.sortie.config.FleetConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The OpenSSH client's argv for running one Sortie command on a host: batch mode (no prompt ever waits), strict host
 * key checking, the fleet's identity and known_hosts when it names them (else the user's own SSH setup), {@code --}
 * before the destination so nothing in it reads as an option. The remote words are Sortie's own and checked names
 * (apps, release ids): a word that a shell on the far side could read as more than one word is refused, never quoted.
 */
public final class SshArgv {

    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9._:=/@+,-]+");

    private SshArgv() {
    }

    public static List<String> ssh(FleetConfig fleet, FleetConfig.Host host, List<String> remote) {
        List<String> argv = new ArrayList<>(List.of("ssh",
                "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "ConnectTimeout=10",
                "-o", "ServerAliveInterval=15",
                "-o", "ServerAliveCountMax=4"));
        if (fleet.identity() != null) {
            argv.addAll(List.of("-i", fleet.identity(), "-o", "IdentitiesOnly=yes"));
        }
        if (fleet.knownHosts() != null) {
            argv.addAll(List.of("-o", "UserKnownHostsFile=" + fleet.knownHosts(), "-o", "GlobalKnownHostsFile=/dev/null"));
        }
        if (host.port() != null) {
            argv.addAll(List.of("-p", host.port().toString()));
        }
        argv.add("--");
        argv.add(host.destination());
        for (String word : remote) {
            if (!PLAIN_WORD.matcher(word).matches()) {
                throw new IllegalArgumentException("not a plain word for a remote command: " + word);
            }
            argv.add(word);
        }
        return List.copyOf(argv);
    }
}
