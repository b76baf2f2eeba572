package dev.sortie.config;

/** Configuration or user input that cannot be used; the message names the key path and the fix. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
