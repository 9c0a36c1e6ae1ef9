package io.cairn.engine.nbd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Vector;
import java.util.function.Function;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PskIdentity;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * TLS with pre-shared keys over an NBD connection after NBD_OPT_STARTTLS, through Bouncy Castle's TLS API (the
 * JDK's TLS has no PSK). TLS 1.3 with an external PSK and (EC)DHE, as GnuTLS (qemu, libnbd, nbd-client) offers it
 * first; TLS 1.2's (EC)DHE-PSK suites for older peers. The cryptography is the JDK's (AES-GCM on AES-NI), through
 * Bouncy Castle's JCA bridge.
 */
final class PskTls {
    private static final TlsCrypto CRYPTO = new JcaTlsCryptoProvider().create(new SecureRandom());

    /**
     * TLS 1.3's AES-GCM suite whose hash is SHA-256, the hash GnuTLS binds an external PSK to; then TLS 1.2's
     * forward-secret PSK suites, AEAD first. No ChaCha20: the JDK's providers name it otherwise than Bouncy Castle asks.
     */
    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_DHE_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
    };

    private static final ProtocolVersion[] VERSIONS = ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);

    /**
     * An encrypted connection: its streams, the identity whose key the peer proved it holds, and the protocol version
     * negotiated (such as {@code TLS 1.3}).
     */
    record Session(InputStream in, OutputStream out, String identity, String version) {}

    private PskTls() {}

    /**
     * The server's side of the handshake over a connection's raw streams.
     *
     * @param keys the key of an identity, or empty for an identity the server does not know
     * @throws IOException when the handshake fails: an unknown identity, a wrong key, or a peer that is not TLS
     */
    static Session accept(InputStream in, OutputStream out, Function<String, Optional<byte[]>> keys)
            throws IOException {
        Server server = new Server(keys);
        TlsServerProtocol protocol = new TlsServerProtocol(in, out);
        protocol.accept(server);
        return new Session(protocol.getInputStream(), protocol.getOutputStream(), server.identity, server.version());
    }

    /** The client's side of the handshake, proving {@code key}. */
    static Session connect(InputStream in, OutputStream out, PresharedKey key) throws IOException {
        TlsClientProtocol protocol = new TlsClientProtocol(in, out);
        Client client = new Client(key);
        protocol.connect(client);
        return new Session(protocol.getInputStream(), protocol.getOutputStream(), key.identity(), client.version());
    }

    private static final class Server extends PSKTlsServer {
        private final Function<String, Optional<byte[]>> keys;
        /** Set once the client names an identity the server knows (TLS 1.3's external PSK or TLS 1.2's). */
        private String identity;

        Server(Function<String, Optional<byte[]>> keys) {
            super(CRYPTO, null);
            this.keys = keys;
            this.pskIdentityManager = new TlsPSKIdentityManager() {
                @Override
                public byte[] getHint() {
                    return null; // the client knows which identity it is
                }

                @Override
                public byte[] getPSK(byte[] name) {
                    return lookUp(name).orElse(null);
                }
            };
        }

        private Optional<byte[]> lookUp(byte[] name) {
            String candidate = new String(name, StandardCharsets.UTF_8);
            Optional<byte[]> key = keys.apply(candidate);
            if (key.isPresent()) {
                identity = candidate;
            }
            return key;
        }

        /** The protocol version negotiated, once the handshake is done. */
        String version() {
            return context.getServerVersion().getName();
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return VERSIONS;
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return CIPHER_SUITES.clone();
        }

        @Override
        @SuppressWarnings("rawtypes") // Bouncy Castle's API
        public TlsPSKExternal getExternalPSK(Vector identities) {
            for (Object offered : identities) {
                byte[] name = ((PskIdentity) offered).getIdentity();
                Optional<byte[]> key = lookUp(name);
                if (key.isPresent()) {
                    return new BasicTlsPSKExternal(
                            name, getCrypto().createSecret(key.get()), PRFAlgorithm.tls13_hkdf_sha256);
                }
            }
            return null; // no identity known: the handshake fails, as there is no certificate to fall back on
        }
    }

    private static final class Client extends PSKTlsClient {
        private final PresharedKey key;

        Client(PresharedKey key) {
            super(CRYPTO, new BasicTlsPSKIdentity(key.identity(), key.key()));
            this.key = key;
        }

        /** The protocol version negotiated, once the handshake is done. */
        String version() {
            return context.getServerVersion().getName();
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return VERSIONS;
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return CIPHER_SUITES.clone();
        }

        /** TLS 1.3's way to offer the key; TLS 1.2 takes the PSK identity given to the constructor. */
        @Override
        @SuppressWarnings({"rawtypes", "unchecked"}) // Bouncy Castle's API
        public Vector getExternalPSKs() {
            Vector offered = new Vector();
            offered.add(new BasicTlsPSKExternal(
                    key.identity().getBytes(StandardCharsets.UTF_8),
                    getCrypto().createSecret(key.key()),
                    PRFAlgorithm.tls13_hkdf_sha256));
            return offered;
        }
    }
}
