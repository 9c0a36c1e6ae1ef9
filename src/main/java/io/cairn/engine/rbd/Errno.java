package io.cairn.engine.rbd;

import io.cairn.engine.EngineException;
import io.cairn.engine.EngineException.Reason;
import java.io.IOException;

/** librados and librbd fail with negative errno values; this turns one into the engine's exception. */
final class Errno {
    private Errno() {}

    static String describe(int errno) {
        String name = switch (errno) {
            case Librbd.ENOENT -> "ENOENT";
            case Librbd.EBUSY -> "EBUSY";
            case Librbd.EEXIST -> "EEXIST";
            case Librbd.EINVAL -> "EINVAL";
            case Librbd.ERANGE -> "ERANGE";
            case Librbd.ENOTEMPTY -> "ENOTEMPTY";
            case Librbd.ETIMEDOUT -> "ETIMEDOUT";
            case 1 -> "EPERM";
            case 13 -> "EACCES";
            case 108 -> "ESHUTDOWN";
            default -> "errno";
        };
        return name + " " + errno;
    }

    /** The failure of {@code what}, with a reason the callers act on where one fits. */
    static IOException failure(int errno, String what) {
        String message = what + " failed: " + describe(errno);
        return switch (errno) {
            case Librbd.ENOENT -> new EngineException(Reason.NOT_FOUND, message);
            case Librbd.EBUSY, Librbd.ENOTEMPTY -> new EngineException(Reason.BUSY, message);
            case Librbd.ETIMEDOUT, 108 -> new EngineException(Reason.UNAVAILABLE, message);
            default -> new IOException(message);
        };
    }

    /** Returns {@code result} when it is not an error. */
    static long check(long result, String what) throws IOException {
        if (result < 0) {
            throw failure((int) -result, what);
        }
        return result;
    }
}
