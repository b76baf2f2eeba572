package dev.sortie.bots.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Cursor;
import dev.sortie.bots.tree.Node;
import dev.sortie.bots.tree.TreeException;
import dev.sortie.bots.tree.TreeRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java trees compiled from an app's bots/ directory with real javac, and YAML trees by path. */
class TreeLoaderComponentTest {

    @TempDir
    Path app;
    private TreeLoader loader;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(app.resolve("bots/shop"));
        Files.writeString(app.resolve("bots/shop/ShopActions.java"), """
                package shop;

                import dev.sortie.bots.tree.BotContext;
                import dev.sortie.bots.tree.Outcome;

                public class ShopActions {
                    public static Outcome login(BotContext ctx) {
                        return Outcome.succeed("user", "bot-" + ctx.botId());
                    }

                    public static Outcome buy(BotContext ctx, int items) {
                        return ctx.require("user").startsWith("bot-") && items > 0 ? Outcome.succeed("bought", items) : Outcome.fail();
                    }
                }
                """);
        Files.writeString(app.resolve("bots/shop/Shopper.java"), """
                package shop;

                import static dev.sortie.bots.tree.Trees.*;
                import dev.sortie.bots.tree.Node;

                public class Shopper {
                    public static Node tree() {
                        return sequence(action(ShopActions::login), select(action("buy 3", ctx -> ShopActions.buy(ctx, 3)), error("no sale")), done());
                    }
                }
                """);
        loader = new TreeLoader(app, app.resolve("bots"), app.resolve("work"));
    }

    private List<String> run(Node tree) {
        List<String> ran = new ArrayList<>();
        TreeRunner.End end = new TreeRunner((bot, action, outcome, nanos) -> ran.add(action + "=" + outcome.label()))
                .pass(new Cursor(tree, new SplittableRandom(), System::nanoTime), new BotContext(1, ""), new SplittableRandom(), () -> false);
        assertInstanceOf(TreeRunner.End.Done.class, end);
        return ran;
    }

    @Test
    void loadsAJavaTreeByDirectoryFileOrClassName() throws Exception {
        List<String> expected = List.of("login=succeed", "buy 3=succeed", "done=done");
        assertEquals(expected, run(loader.load("bots")));
        assertEquals(expected, run(loader.load("bots/shop/Shopper.java")));
        assertEquals(expected, run(loader.load("Shopper")));
        assertEquals(expected, run(loader.load("shop.Shopper")));
    }

    @Test
    void javacErrorsPointAtTheLine() throws Exception {
        Files.writeString(app.resolve("bots/shop/Broken.java"), """
                package shop;

                public class Broken {
                    public static dev.sortie.bots.tree.Node tree() {
                        return nothing();
                    }
                }
                """);
        TreeException e = assertThrows(TreeException.class, () -> loader.load("Shopper"));
        assertEquals("3 files in " + app + " does not compile (1 error)", e.getMessage());
        assertEquals(List.of("bots/shop/Broken.java:5:16: error: cannot find symbol", "            return nothing();", "                   ^"),
                e.problems());
    }

    @Test
    void botCodeSeesOnlyTheTreeApi() throws Exception {
        Files.writeString(app.resolve("bots/shop/Sneaky.java"), """
                package shop;

                public class Sneaky {
                    public static dev.sortie.bots.tree.Node tree() {
                        return dev.sortie.bots.tree.Trees.succeed();
                    }

                    static Object manager = new dev.sortie.bots.run.BotManager();
                }
                """);
        TreeException e = assertThrows(TreeException.class, () -> loader.load("Sneaky"));
        assertTrue(e.problems().get(0).startsWith("bots/shop/Sneaky.java:8:"), e.problems().toString());
        assertTrue(e.problems().get(0).contains("package dev.sortie.bots.run does not exist"), e.problems().toString());
    }

    @Test
    void saysWhatItFoundWhenTheNameIsWrongOrAmbiguous() throws Exception {
        Files.writeString(app.resolve("bots/Other.java"), """
                public class Other {
                    public static dev.sortie.bots.tree.Node tree() {
                        return dev.sortie.bots.tree.Trees.done();
                    }
                }
                """);
        assertEquals("no tree class Shoper with public static Node tree() (trees found: Other, shop.Shopper)",
                assertThrows(TreeException.class, () -> loader.load("Shoper")).getMessage());
        assertEquals("bots has 2 trees (Other, shop.Shopper): name one, e.g. --tree Other",
                assertThrows(TreeException.class, () -> loader.load("bots")).getMessage());
        assertEquals("no tree file smoke.yml (looked in " + app + ")",
                assertThrows(TreeException.class, () -> loader.load("smoke.yml")).getMessage());
        assertEquals("no tree no/such/dir: it is not a .yml file, a .java file, a directory or a class name",
                assertThrows(TreeException.class, () -> loader.load("no/such/dir")).getMessage());
        TreeLoader confined = new TreeLoader(app.resolve("bots"), app.resolve("bots"), app.resolve("work"), true);
        assertEquals("no tree ../../../etc: trees must be inside " + app.resolve("bots"),
                assertThrows(TreeException.class, () -> confined.load("../../../etc")).getMessage());
    }

    @Test
    void aConfinedLoaderFollowsNoSymlinkOutOfItsBase(@TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("secret.yml"), "tree: done");
        Files.writeString(outside.resolve("Secret.java"), "public class Secret { public static dev.sortie.bots.tree.Node tree() {"
                + " return dev.sortie.bots.tree.Trees.done(); } }");
        Files.createSymbolicLink(app.resolve("bots/link.yml"), outside.resolve("secret.yml"));
        Files.createSymbolicLink(app.resolve("bots/outside"), outside);
        TreeLoader confined = new TreeLoader(app, app.resolve("bots"), app.resolve("work"), true);
        TreeException file = assertThrows(TreeException.class, () -> confined.load("bots/link.yml"));
        assertEquals("no tree bots/link.yml: it is a link to " + outside.toRealPath().resolve("secret.yml") + ", and trees must be inside " + app,
                file.getMessage());
        assertThrows(TreeException.class, () -> confined.load("bots/outside/secret.yml"));
        assertThrows(TreeException.class, () -> confined.load("bots/outside"));
        Files.createSymbolicLink(app.resolve("bots/shop/Linked.java"), outside.resolve("Secret.java"));
        TreeException walked = assertThrows(TreeException.class, () -> confined.load("Shopper"));
        assertTrue(walked.getMessage().contains("Linked.java is a link to " + outside.toRealPath().resolve("Secret.java")), walked.getMessage());
        assertEquals(List.of("done=done"), run(loader.load("bots/link.yml")), "the CLI's own loader is not confined");
        Files.writeString(app.resolve("bots/inside.yml"), "tree: done");
        Files.createSymbolicLink(app.resolve("bots/alias.yml"), app.resolve("bots/inside.yml"));
        Files.delete(app.resolve("bots/shop/Linked.java"));
        assertEquals(List.of("done=done"), run(confined.load("bots/alias.yml")), "a link that stays inside is fine");
    }

    @Test
    void loadsYamlByPath() throws Exception {
        Files.writeString(app.resolve("bots/smoke.yml"), "tree: {sequence: [succeed, done]}");
        assertEquals(List.of("succeed=succeed", "done=done"), run(loader.load("bots/smoke.yml")));
    }
}
