package dev.sortie.access;

import java.util.List;

/**
 * What one SSH key may do. Every key may push and fetch the apps it names (or all apps); an admin
 * key may also run Sortie's own commands, and so pushes every app.
 *
 * @param apps  the apps the key may push and fetch
 * @param all   every app, also those created later
 * @param admin Sortie's own commands too
 */
public record KeyRights(List<String> apps, boolean all, boolean admin) {

    public KeyRights {
        apps = apps == null ? List.of() : List.copyOf(apps);
    }

    public boolean mayPush(String app) {
        return admin || all || apps.contains(app);
    }

    /** For {@code ssh-keys list}: {@code admin}, {@code all apps} or {@code apps: shop, blog}. */
    public String describe() {
        if (admin) {
            return "admin (all apps, sortie commands)";
        }
        return all ? "all apps" : "apps: " + String.join(", ", apps);
    }
}
