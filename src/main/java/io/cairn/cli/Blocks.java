package io.cairn.cli;

import java.util.Arrays;

final class Blocks {
    private static final byte[] ZEROS = new byte[1 << 20];

    private Blocks() {}

    /** Whether the first {@code length} bytes (at most 1 MiB) are all zero: such blocks need not travel. */
    static boolean isZero(byte[] block, int length) {
        return Arrays.mismatch(block, 0, length, ZEROS, 0, length) == -1;
    }
}
