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

    /** Who is asking, for the deploy history. */
    static String user() {
        String user = System.getenv("SORTIE_USER");
        return user != null && !user.isBlank() ? user : System.getProperty("user.name");
    }
}
