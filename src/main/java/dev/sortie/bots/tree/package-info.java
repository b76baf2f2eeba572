/**
 * Behaviour trees for bots: the one place their semantics are written down.
 *
 * <p>A tree is an immutable {@link dev.sortie.bots.tree.Node}, shared by every bot. Each bot has
 * its own {@link dev.sortie.bots.tree.Cursor} (where it is) and {@link dev.sortie.bots.tree.BotContext}
 * (what it has saved). A bot repeatedly runs the leaf its cursor points at; the leaf ends in
 * <em>success</em> or <em>failure</em>, and that result travels up through the enclosing nodes:
 *
 * <h2>Action outcomes</h2>
 * <ul>
 * <li><b>succeed</b> (optionally with values): the values are put into the context; the leaf succeeds.
 * <li><b>fail</b>: the leaf fails.
 * <li><b>continue</b>: the same action runs again; the tree does not move.
 * <li><b>done</b>: the bot has finished its work and stops, wherever it is in the tree.
 * <li><b>error(reason)</b>: the bot stops with an error, wherever it is. A thrown exception or a
 *     {@code null} outcome is an error too.
 * </ul>
 *
 * <h2>Nodes</h2>
 * <ul>
 * <li><b>sequence(children)</b>: runs children in order; fails at the first child that fails;
 *     succeeds when the last one succeeds.
 * <li><b>select(children)</b>: runs children in order; succeeds at the first that succeeds; fails
 *     when the last one fails.
 * <li><b>random(children)</b>: picks one child uniformly on entry and ends with its result.
 * <li><b>weighted_random(weight: child, ...)</b>: picks one child with probability weight/total on
 *     entry and ends with its result.
 * <li><b>repeat(n, child)</b>: runs the child n times whatever its results, then succeeds.
 * <li><b>repeat_until_succeed(child)</b> / <b>repeat_until_fail(child)</b>: runs the child again
 *     and again until it succeeds (or fails), then succeeds. They can loop forever: put them
 *     under a timeout, or let the run's duration end them.
 * <li><b>negate(child)</b>: success becomes failure and failure success.
 * <li><b>always_succeed(child)</b> / <b>always_fail(child)</b>: runs the child, then ends with
 *     success (or failure) whatever it did.
 * <li><b>wait(s)</b> / <b>wait(min, max)</b>: a leaf that sleeps s seconds (or a uniformly random
 *     time between min and max, drawn each time) and succeeds. In a run, a waiting bot holds no
 *     thread: it sleeps in its cursor and one timer entry, and a virtual thread takes it on when
 *     the wait is over (inside a parallel group, a branch waits on its own virtual thread).
 * <li><b>timeout(child, d)</b>: the deadline is set when the bot enters the node. A child still
 *     running at the deadline is abandoned: a running action is interrupted and logged as an
 *     error "timed out", a wait is cut short, and the timeout node fails (so an enclosing select
 *     can recover). A child that finishes after the deadline also fails the node. Nested timeouts:
 *     the outermost expired one fails.
 * <li><b>retry(child, n, backoff)</b>: runs the child up to n times until it succeeds; between
 *     tries it waits backoff, then 2x, 4x, ... backoff. Succeeds with the first success, fails
 *     after the n-th failure.
 * <li><b>parallel_all(children)</b> / <b>parallel_first(children)</b>: each child runs on its own
 *     virtual thread with a copy of the context. parallel_all succeeds when every child succeeds
 *     and fails (stopping the others) at the first failure; parallel_first succeeds (stopping the
 *     others) at the first success and fails when all fail. Values saved by the successful
 *     children are merged into the bot's context in child order. An error in any child ends the
 *     bot with that error; done in a child ends the bot once the group is decided.
 * </ul>
 *
 * <p>When the root finishes (succeeds or fails), one <em>pass</em> of the tree is over. In load
 * mode the bot starts the next pass from the top, until done, error, or the run ends; in
 * integration mode the tree runs once as {@code sequence(tree, done)}, so a pass that fails is an
 * error, reported with the bot's last problem; in the open model each arrival's bot runs one pass.
 */
package dev.sortie.bots.tree;
