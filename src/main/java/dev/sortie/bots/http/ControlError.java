package dev.sortie.bots.http;

/** A request the control server turns away: the HTTP status and a message for {@code {"error": ...}}. */
final class ControlError extends RuntimeException {

    private final int status;

    ControlError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
