package io.cairn.cli;

import picocli.CommandLine.Option;

/** Where the server's NBD data path listens; a picocli mixin shared by import and export. */
final class NbdEndpoint {
    @Option(names = "--nbd-host", defaultValue = "${env:CAIRN_NBD_HOST:-127.0.0.1}",
            description = "Host of the NBD data path (CAIRN_NBD_HOST; default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--nbd-port", defaultValue = "${env:CAIRN_NBD_PORT:-10809}",
            description = "Port of the NBD data path (CAIRN_NBD_PORT; default ${DEFAULT-VALUE}).")
    int port;
}
