package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.git.AppRepository;

/** Small checks commands share. */
final class Apps {

    private Apps() {
    }

    /** The app's repo, or a UserError (exit 4) saying how to create the app. */
    static AppRepository require(Deploys deploys, String app) {
        try {
            return deploys.requireApp(app);
        } catch (Deploys.NoSuchApp e) {
            throw new UserError(ExitCodes.UNAVAILABLE, e.getMessage());
        }
    }

    /** Set by ssh-shell before it runs an admin key's command: the key's name is the user. */
    private static volatile String sshKey;

    static void actAs(String keyName) {
        sshKey = keyName;
    }

    /** Who is asking, for the deploy history: the SSH key's name, else SORTIE_USER (ssh-shell sets it for git's hooks), else the login. */
    static String user() {
        if (sshKey != null) {
            return sshKey;
        }
        String user = System.getenv("SORTIE_USER");
        return user != null && !user.isBlank() ? user : System.getProperty("user.name");
    }
}
