package io.cairn.engine.rbd;

/** The cluster cannot be used as configured; {@link #setting} names the setting to fix. */
public final class RbdSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    RbdSetupException(String setting, String problem) {
        super(problem);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
