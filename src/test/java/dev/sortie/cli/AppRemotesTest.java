package dev.sortie.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sortie.config.SortieHome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The remotes {@code sortie apps create} prints. */
class AppRemotesTest {

    @Test
    void theSystemInstallPushesToSortieAtHostColonApp() {
        List<String> lines = AppsCommand.Create.remotes(new SortieHome(Path.of("/var/lib/sortie")), "shop", "root", "myhost", false);
        assertEquals(List.of("git remote add production sortie@myhost:shop   # over SSH, with a key from sortie ssh-keys add",
                "git remote add production /var/lib/sortie/apps/shop/repo.git   # on this machine, as sortie"), lines);
        assertEquals(lines.getFirst(), AppsCommand.Create.remotes(new SortieHome(Path.of("/srv/sortie")), "shop", "sortie", "myhost", false)
                .getFirst());
    }

    @Test
    void thePlainInstallKeepsItsLinesAndAddsTheKeyFormOnceThereAreKeys() {
        SortieHome home = new SortieHome(Path.of("/home/me/.sortie"));
        List<String> plain = List.of("git remote add production /home/me/.sortie/apps/shop/repo.git                # on this machine",
                "git remote add production me@myhost:/home/me/.sortie/apps/shop/repo.git   # over SSH");
        assertEquals(plain, AppsCommand.Create.remotes(home, "shop", "me", "myhost", false));
        assertEquals(List.of(plain.get(0), plain.get(1), "git remote add production me@myhost:shop   # over SSH, with a key from sortie ssh-keys add"),
                AppsCommand.Create.remotes(home, "shop", "me", "myhost", true));
    }
}
