package io.cairn.service;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256, and the keys Cairn derives from its secret-key with it: one per use, each under its own label. */
final class HmacSha256 {
    static final String ALGORITHM = "HmacSHA256";

    private HmacSha256() {}

    static byte[] of(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static SecretKeySpec key(byte[] bytes) {
        return new SecretKeySpec(bytes, ALGORITHM);
    }

    /** The key for one use of {@code secretKey}, named by {@code label}, so that no two uses share a key. */
    static SecretKeySpec derive(SecretKey secretKey, byte[] label) {
        return key(of(key(secretKey.getEncoded()), label));
    }
}
