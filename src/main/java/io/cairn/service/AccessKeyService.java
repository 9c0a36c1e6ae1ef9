package io.cairn.service;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.AccessKey;
import io.cairn.store.AccessKeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * AK/SK credentials: issuing them (the secret is shown once, then kept only sealed), finding one to verify a
 * signature with, and remembering signatures already used.
 */
public final class AccessKeyService {
    private static final String ACCESS_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A newly issued credential: the only time its secret is seen in clear outside a signature check. */
    public record Issued(AccessKey key, String secret) {}

    /** An access key with its secret opened, to verify a signature with. */
    public record Credential(AccessKey key, String secret) {
        @Override
        public String toString() {
            return "Credential[key=" + key + ", secret=<hidden>]";
        }
    }

    private final AccessKeyStore store;
    private final Optional<SecretBox> box;
    private final Clock clock;

    /** @param box empty where no secret-key is configured: keys can then be listed and deleted, not issued or used */
    public AccessKeyService(AccessKeyStore store, Optional<SecretBox> box, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.box = requireNonNull(box, "box is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Issues a credential for a user of a project, with Huawei's shapes: a 20-character AK and a 40-character
     * SK. Without a user, the access key id names the user.
     */
    public Issued create(String projectId, Optional<String> userId, Set<String> roles, String description) {
        SecretBox sealer = box.orElseThrow(() -> new IllegalStateException("no secret-key is configured"));
        String accessKey = random(ACCESS_KEY_ALPHABET, 20);
        AccessKey key = new AccessKey(
                accessKey,
                projectId,
                userId.orElse(accessKey),
                roles,
                description,
                clock.instant().truncatedTo(ChronoUnit.MICROS));
        String secret = random(SECRET_ALPHABET, 40);
        store.insert(key, sealer.seal(secret, key.accessKey()));
        return new Issued(key, secret);
    }

    public List<AccessKey> list(Optional<String> projectId) {
        return store.list(projectId);
    }

    /** @return whether the key existed */
    public boolean delete(String accessKey) {
        return store.delete(accessKey);
    }

    /** The credential with this access key id, its secret opened; empty when there is none. */
    public Optional<Credential> find(String accessKey) {
        SecretBox opener = box.orElseThrow(() -> new IllegalStateException("no secret-key is configured"));
        return store.find(accessKey)
                .map(s -> new Credential(
                        s.key(), opener.open(s.sealedSecret(), s.key().accessKey())));
    }

    /** @return true the first time a signature is presented, false when it is a replay */
    public boolean firstUse(String signature, Instant validUntil) {
        return store.recordSignature(signature, validUntil, clock.instant());
    }

    private static String random(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
