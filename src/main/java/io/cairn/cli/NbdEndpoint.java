package io.cairn.cli;

import io.cairn.engine.nbd.NbdClient;
import java.io.IOException;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the server's NBD data path listens; a picocli mixin shared by import and export. */
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

    /** A connection to {@code export}; a server that cannot be reached is named, since the JDK's message does not. */
    NbdClient connect(String export) throws IOException {
        return connect(export, Optional.empty());
    }

    /** A connection to {@code export} with {@code metaContext} selected, for its block status. */
    NbdClient connect(String export, String metaContext) throws IOException {
        return connect(export, Optional.of(metaContext));
    }

    private NbdClient connect(String export, Optional<String> metaContext) throws IOException {
        try {
            return metaContext.isPresent()
                    ? NbdClient.connect(host, port, export, metaContext.get())
                    : NbdClient.connect(host, port, export);
        } catch (NbdClient.NbdException e) {
            throw e; // the server answered: its message says what is wrong with the export
        } catch (IOException e) {
            throw new IOException(
                    "the NBD data path at " + host + ":" + port + " cannot be reached: " + CommandFailures.reason(e),
                    e);
        }
    }
}
