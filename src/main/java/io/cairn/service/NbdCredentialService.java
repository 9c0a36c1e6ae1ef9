package io.cairn.service;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.NbdCredential;
import io.cairn.engine.nbd.PresharedKey;
import io.cairn.store.NbdCredentialStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The TLS identities of the NBD data path. An identity's pre-shared key is HMAC-SHA256 of the identity under a key
 * derived from the configured secret-key, so no key is stored, every node sharing the secret-key accepts every
 * identity, and deleting the identity's row revokes it everywhere at once.
 */
public final class NbdCredentialService {
    /** The label the PSK key is derived under, so that the secret-key's other uses never meet this one. */
    private static final byte[] DERIVATION_LABEL = "cairn nbd tls-psk v1".getBytes(StandardCharsets.UTF_8);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] IDENTITY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    /** A credential and its key, as shown to whoever it is issued to. */
    public record Issued(NbdCredential credential, PresharedKey key) {}

    private final NbdCredentialStore store;
    private final SecretKeySpec keyOfKeys;
    private final Clock clock;

    public NbdCredentialService(NbdCredentialStore store, SecretKey secretKey, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.keyOfKeys = HmacSha256.derive(requireNonNull(secretKey, "secretKey is null"), DERIVATION_LABEL);
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Issues an identity reaching a project's exports (or one volume's), or every export when {@code projectId} is
     * empty (an admin identity).
     */
    public Issued issue(Optional<String> projectId, Optional<String> volumeId, boolean readOnly, String description) {
        NbdCredential credential = store.insert(new NbdCredential(
                newIdentity(), projectId, volumeId, Optional.empty(), readOnly, description, clock.instant()));
        return new Issued(credential, key(credential.identity()));
    }

    /**
     * The credential of a host for a volume (os-initialize_connection): the one issued before to the same connector
     * if there is one, so that a host asking again gets the same identity, with the mode asked now; otherwise a new one.
     */
    public Issued connection(String projectId, String volumeId, String connector, boolean readOnly) {
        NbdCredential credential = store.insert(new NbdCredential(
                newIdentity(),
                Optional.of(projectId),
                Optional.of(volumeId),
                Optional.of(connector),
                readOnly,
                "os-initialize_connection",
                clock.instant()));
        if (credential.readOnly() != readOnly) {
            // The volume's mode changed since (a readonly flag, a read-only attachment): the identity follows it.
            store.setReadOnly(credential.identity(), readOnly);
            credential = store.find(credential.identity()).orElseThrow();
        }
        return new Issued(credential, key(credential.identity()));
    }

    /** Revokes the credential a connector holds for a volume (os-terminate_connection); nothing when there is none. */
    public void endConnection(String volumeId, String connector) {
        store.deleteConnection(volumeId, connector);
    }

    /** The credential of an identity, with its key; empty when it was never issued or is revoked. */
    public Optional<Issued> find(String identity) {
        return store.find(identity).map(credential -> new Issued(credential, key(identity)));
    }

    public List<NbdCredential> list(Optional<String> projectId) {
        return store.list(projectId);
    }

    /** @return whether the identity existed; connections proving it are refused from now on */
    public boolean revoke(String identity) {
        return store.delete(identity);
    }

    private PresharedKey key(String identity) {
        return new PresharedKey(identity, HmacSha256.of(keyOfKeys, identity.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code cairn-} and 26 random base-32 letters (130 bits): nothing about the project is guessable from it. */
    private static String newIdentity() {
        StringBuilder identity = new StringBuilder("cairn-");
        for (int i = 0; i < 26; i++) {
            identity.append(IDENTITY_ALPHABET[RANDOM.nextInt(IDENTITY_ALPHABET.length)]);
        }
        return identity.toString();
    }
}
