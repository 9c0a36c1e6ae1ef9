package io.cairn.domain;

/** A negotiated Cinder microversion, such as 3.41. */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
    public static final ApiVersion MIN = new ApiVersion(3, 0);
    public static final ApiVersion MAX = new ApiVersion(3, 71);

    public static ApiVersion of(String text) {
        int dot = text.indexOf('.');
        return new ApiVersion(Integer.parseInt(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1)));
    }

    /** True when this version is at least {@code 3.minor}. */
    public boolean atLeast(int minor) {
        return compareTo(new ApiVersion(3, minor)) >= 0;
    }

    @Override
    public int compareTo(ApiVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
