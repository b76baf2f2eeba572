package dev.sortie.examples.hello;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** A thread-safe, in-memory store of notes that is emptied whenever the app restarts. */
public final class NoteStore {

    /** One stored note. */
    public record Note(long id, String text) {

        /** Returns the note as {@code {"id":N,"text":"..."}}. */
        public String toJson() {
            return "{\"id\":" + id + ",\"text\":" + Json.quote(text) + "}";
        }
    }

    private final AtomicLong lastId = new AtomicLong();
    private final ConcurrentSkipListMap<Long, Note> notes = new ConcurrentSkipListMap<>();

    /** Stores a new note under the next free id, starting at 1. */
    public Note add(String text) {
        Note note = new Note(lastId.incrementAndGet(), text);
        notes.put(note.id(), note);
        return note;
    }

    public Optional<Note> find(long id) {
        return Optional.ofNullable(notes.get(id));
    }

    /** Returns every note, oldest first. */
    public List<Note> all() {
        return List.copyOf(notes.values());
    }
}
