package dev.sortie.bots.tree;

import java.io.Serializable;

/**
 * A bot action: a plain blocking method that takes the bot's context and says how it went.
 * It is {@link Serializable} only so that a method reference's name can serve as the action's
 * name ({@code action(MyActions::getReady)} is named {@code getReady}).
 */
@FunctionalInterface
public interface ActionFn extends Serializable {
    Outcome run(BotContext context) throws Exception;
}
