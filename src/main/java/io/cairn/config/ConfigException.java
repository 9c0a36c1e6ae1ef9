package io.cairn.config;

/** A configuration value that cannot be used; its message names the key so the operator can fix it. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String key, String value, String expected) {
        super("Invalid configuration " + key + " (" + Settings.environmentName(key) + ", --" + key + "): '" + value
                + "' is not " + expected);
    }

    /** A value that is well formed but does not work, such as a cluster that cannot be reached. */
    public ConfigException(String key, String problem) {
        super("Invalid configuration " + key + " (" + Settings.environmentName(key) + ", --" + key + "): " + problem);
    }
}
