package io.cairn.cli;

import io.cairn.engine.nbd.NbdClient;
import io.cairn.engine.nbd.PresharedKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the server's NBD data path listens, and the TLS key to prove; a picocli mixin shared by import and export. */
final class NbdEndpoint {
    @Option(
            names = "--nbd-host",
            defaultValue = "${env:CAIRN_NBD_HOST:-127.0.0.1}",
            description = "Host of the NBD data path (CAIRN_NBD_HOST; default ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--nbd-port",
            defaultValue = "${env:CAIRN_NBD_PORT:-10809}",
            description = "Port of the NBD data path (CAIRN_NBD_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--nbd-psk-file",
            defaultValue = "${env:CAIRN_NBD_PSK_FILE}",
            description = "Connect over TLS proving a pre-shared key from this file of identity:hex-key lines, as"
                    + " `cairn nbd-credentials create --psk-file` writes it (CAIRN_NBD_PSK_FILE; needed where the"
                    + " server runs with nbd-tls=required).")
    Path pskFile;

    @Option(
            names = "--nbd-identity",
            defaultValue = "${env:CAIRN_NBD_IDENTITY}",
            description = "The identity of the PSK file to use, when it holds several (CAIRN_NBD_IDENTITY).")
    String identity;

    /** A connection to {@code export}; a server that cannot be reached is named, since the JDK's message does not. */
    NbdClient connect(String export) throws IOException {
        return connect(export, Optional.empty());
    }

    /** A connection to {@code export} with {@code metaContext} selected, for its block status. */
    NbdClient connect(String export, String metaContext) throws IOException {
        return connect(export, Optional.of(metaContext));
    }

    private NbdClient connect(String export, Optional<String> metaContext) throws IOException {
        Optional<PresharedKey> key = pskFile == null
                ? Optional.empty()
                : Optional.of(PresharedKey.fromFile(pskFile, Optional.ofNullable(identity)));
        try {
            return NbdClient.connect(host, port, export, metaContext, key);
        } catch (NbdClient.NbdException e) {
            throw e; // the server answered: its message says what is wrong with the export
        } catch (IOException e) {
            throw new IOException(
                    "the NBD data path at " + host + ":" + port + " cannot be reached: " + CommandFailures.reason(e),
                    e);
        }
    }
}
