package io.cairn.engine.nbd;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A TLS pre-shared key and the identity it belongs to. On disk it is one line of GnuTLS's PSK file, {@code
 * identity:hex-key}, the file qemu ({@code tls-creds-psk}), libnbd ({@code tls-psk-file}) and nbdkit read.
 */
public record PresharedKey(String identity, byte[] key) {
    public PresharedKey {
        requireNonNull(identity, "identity is null");
        requireNonNull(key, "key is null");
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    /** The PSK file line: {@code identity:hex-key}. */
    public String fileLine() {
        return identity + ":" + HexFormat.of().formatHex(key);
    }

    /**
     * The key of {@code identity} in a PSK file, or of its only identity when none is named.
     *
     * @throws IOException when the file cannot be read, is malformed, or does not hold exactly the key asked for
     */
    public static PresharedKey fromFile(Path file, Optional<String> identity) throws IOException {
        List<PresharedKey> keys = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.lastIndexOf(':');
            if (colon <= 0) {
                throw new IOException("the PSK file " + file + " has a line that is not identity:hex-key");
            }
            try {
                keys.add(new PresharedKey(
                        line.substring(0, colon),
                        HexFormat.of().parseHex(line.substring(colon + 1).strip())));
            } catch (IllegalArgumentException e) {
                throw new IOException("the PSK file " + file + " has a key that is not hexadecimal", e);
            }
        }
        List<PresharedKey> matching = keys.stream()
                .filter(key -> identity.isEmpty() || key.identity().equals(identity.get()))
                .toList();
        if (matching.size() != 1) {
            throw new IOException(identity.map(name -> "the PSK file " + file + " holds no key for identity " + name)
                    .orElse("the PSK file " + file + " holds " + matching.size() + " keys: name the identity to use"));
        }
        return matching.getFirst();
    }

    @Override
    public String toString() {
        return "PresharedKey[identity=" + identity + ", key=<hidden>]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PresharedKey that
                && identity.equals(that.identity)
                && java.security.MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode() {
        return identity.hashCode();
    }
}
