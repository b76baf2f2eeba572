package dev.sortie.tls;

/** A certificate could not be had: the message says why, with the ACME server's own words when it gave any. */
public final class TlsFailure extends Exception {

    public TlsFailure(String message) {
        super(message);
    }

    public TlsFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
