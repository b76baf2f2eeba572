package dev.sortie.examples.hello;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** JSON API over a {@link NoteStore}: {@code GET|POST /api/notes} and {@code GET /api/notes/{id}}. */
public final class NotesApi implements HttpHandler {

    static final String BASE = "/api/notes";
    /** Largest request body accepted, in bytes. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Pattern ID = Pattern.compile("[0-9]{1,18}");

    private final NoteStore store;

    public NotesApi(NoteStore store) {
        this.store = store;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Responses.serve(exchange, () -> route(exchange));
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals(BASE)) {
            switch (method) {
                case "GET" -> list(exchange);
                case "POST" -> create(exchange);
                default -> Responses.methodNotAllowed(exchange, "GET, POST", true);
            }
        } else if (path.startsWith(BASE + "/") && ID.matcher(path.substring(BASE.length() + 1)).matches()) {
            if (method.equals("GET")) {
                show(exchange, Long.parseLong(path.substring(BASE.length() + 1)));
            } else {
                Responses.methodNotAllowed(exchange, "GET", true);
            }
        } else {
            Responses.jsonError(exchange, 404, "no such route: " + path);
        }
    }

    private void list(HttpExchange exchange) throws IOException {
        String notes = store.all().stream().map(NoteStore.Note::toJson).collect(Collectors.joining(","));
        Responses.json(exchange, 200, "{\"notes\":[" + notes + "]}");
    }

    private void show(HttpExchange exchange, long id) throws IOException {
        Optional<NoteStore.Note> note = store.find(id);
        if (note.isPresent()) {
            Responses.json(exchange, 200, note.get().toJson());
        } else {
            Responses.jsonError(exchange, 404, "no note with id " + id);
        }
    }

    private void create(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            Responses.jsonError(exchange, 413, "body is larger than " + MAX_BODY_BYTES + " bytes");
            return;
        }
        Map<String, String> fields;
        try {
            fields = Json.parseFlatObject(decodeUtf8(bytes));
        } catch (CharacterCodingException e) {
            Responses.jsonError(exchange, 400, "body is not valid UTF-8");
            return;
        } catch (Json.ParseException e) {
            Responses.jsonError(exchange, 400, "invalid JSON: " + e.getMessage());
            return;
        }
        String text = fields.get("text");
        if (text == null) {
            Responses.jsonError(exchange, 400, "missing \"text\"");
            return;
        }
        NoteStore.Note note = store.add(text);
        exchange.getResponseHeaders().set("Location", BASE + "/" + note.id());
        Responses.json(exchange, 201, note.toJson());
    }

    private static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}
