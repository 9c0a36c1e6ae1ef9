package io.cairn.config;

/** A configuration value that cannot be used; its message names the key so the operator can fix it. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String key, String value, String expected) {
        super("Invalid configuration " + key + " (" + Settings.environmentName(key) + ", --" + key + "): '" + value
                + "' is not " + expected);
    }
}
