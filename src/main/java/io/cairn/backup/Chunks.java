package io.cairn.backup;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** Chunk arithmetic, checksums and the object names of the layout {@link BackupRepository} describes. */
final class Chunks {
    private static final byte[] ZEROS = new byte[64 * 1024];
    private static final HexFormat HEX = HexFormat.of();

    private Chunks() {}

    /** How many chunks of {@code chunkSize} a device of {@code sizeBytes} takes, the last one perhaps short. */
    static int count(long sizeBytes, int chunkSize) {
        return Math.toIntExact((sizeBytes + chunkSize - 1) / chunkSize);
    }

    static String chunkKey(String hash) {
        return "chunks/" + hash;
    }

    static String manifestKey(String backupId) {
        return "backups/" + backupId + "/manifest.json";
    }

    static boolean isHash(String text) {
        if (text.length() != 64) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    static boolean isZero(byte[] data, int length) {
        for (int offset = 0; offset < length; offset += ZEROS.length) {
            int stride = Math.min(ZEROS.length, length - offset);
            if (Arrays.mismatch(data, offset, offset + stride, ZEROS, 0, stride) != -1) {
                return false;
            }
        }
        return true;
    }

    static String sha256(byte[] data, int length) {
        return HEX.formatHex(digest("SHA-256", data, length));
    }

    /** The Content-MD5 header of an upload: the store refuses a body that arrives other than it was sent. */
    static String contentMd5(byte[] data, int length) {
        return Base64.getEncoder().encodeToString(digest("MD5", data, length));
    }

    private static byte[] digest(String algorithm, byte[] data, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            digest.update(data, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + algorithm, e);
        }
    }
}
