package dev.sortie.deploy;

import dev.sortie.pipeline.DeployEvent;
import dev.sortie.steps.WorldChanges;
import java.io.IOException;
import java.util.List;

/** Steps' intents, made durable in the deploy's journal before the step acts on them. */
final class JournalChanges implements WorldChanges {

    private final Journal journal;

    JournalChanges(Journal journal) {
        this.journal = journal;
    }

    @Override
    public void startingInstance(String release, int port, List<String> run, List<String> command, String adopted) throws IOException {
        journal.appendDurably(new DeployEvent.StartingInstance(release, port, run, command, adopted));
    }

    @Override
    public void switchingNginx(String release, String previousSite, String previousRelease) throws IOException {
        journal.appendDurably(new DeployEvent.SwitchingNginx(release, previousSite, previousRelease));
    }
}
