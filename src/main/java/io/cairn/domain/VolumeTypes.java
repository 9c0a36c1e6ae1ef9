package io.cairn.domain;

/** The one volume type every deployment has, as Cinder creates it. */
public final class VolumeTypes {
    public static final String DEFAULT_ID = "3c8d6d7e-0c2a-4b6e-9a51-6f0d7b1a2c11";
    public static final String DEFAULT_NAME = "__DEFAULT__";
    public static final String DEFAULT_DESCRIPTION = "Default Volume Type";

    private VolumeTypes() {}
}
