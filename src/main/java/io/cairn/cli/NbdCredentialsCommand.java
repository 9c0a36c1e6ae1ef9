package io.cairn.cli;

import io.cairn.config.CairnConfig;
import io.cairn.config.Settings;
import io.cairn.domain.NbdCredential;
import io.cairn.service.NbdCredentialService;
import io.cairn.store.Database;
import io.cairn.store.NbdCredentialStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code cairn nbd-credentials create|list|revoke}: the TLS identities NBD clients prove with a pre-shared key when
 * {@code nbd-tls} is on, kept in the server's database. Works while the server runs; a revoked identity's new
 * connections fail at once on every node.
 */
@Command(
        name = "nbd-credentials",
        mixinStandardHelpOptions = true,
        description = "Manage the TLS identities (pre-shared keys) of NBD clients.",
        subcommands = {
            NbdCredentialsCommand.Create.class,
            NbdCredentialsCommand.ListCredentials.class,
            NbdCredentialsCommand.Revoke.class
        })
public final class NbdCredentialsCommand implements Runnable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The server's database and secret-key: the same settings as {@code cairn serve}. */
    static final class Storage {
        @picocli.CommandLine.Mixin
        DatabaseOptions database = new DatabaseOptions();

        int withService(Function<NbdCredentialService, Integer> work) throws IOException {
            Settings settings = database.settings();
            javax.crypto.SecretKey key = CairnConfig.nbdCredentialKey(settings);
            try (Database db = database.open(settings, true)) {
                return work.apply(new NbdCredentialService(new NbdCredentialStore(db), key, Clock.systemUTC()));
            }
        }
    }

    /** Whose exports the identity reaches: one project's, or every project's. */
    static final class Reach {
        @Option(names = "--project", required = true, description = "The project whose exports the identity reaches.")
        String project;

        @Option(names = "--admin", required = true, description = "Reach every project's exports.")
        boolean admin;
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Issue a TLS identity and its pre-shared key for NBD clients.")
    static final class Create implements Callable<Integer> {
        @ArgGroup(multiplicity = "1")
        Reach reach;

        @Option(names = "--volume", description = "Only this volume of the project, and its snapshots.")
        String volume;

        @Option(names = "--read-only", description = "Open volumes read-only.")
        boolean readOnly;

        @Option(names = "--description", description = "A note to tell identities apart.")
        String description;

        @Option(
                names = "--psk-file",
                description = "Also write the key to this file as identity:hex-key (mode 0600), the PSK file qemu,"
                        + " libnbd and nbdkit read.")
        Path pskFile;

        @Option(names = "--json", description = "Print {\"identity\":...,\"key\":...} only.")
        boolean json;

        @picocli.CommandLine.Mixin
        Storage storage = new Storage();

        @Override
        public Integer call() throws IOException {
            if (reach.admin && volume != null) {
                System.err.println("cairn: --volume narrows a project's identity; an --admin one reaches every export");
                return 2;
            }
            return storage.withService(credentials -> {
                NbdCredentialService.Issued issued = credentials.issue(
                        reach.admin ? Optional.empty() : Optional.of(reach.project),
                        Optional.ofNullable(volume),
                        readOnly,
                        description);
                String line = issued.key().fileLine();
                if (pskFile != null) {
                    writePrivately(pskFile, line + "\n");
                }
                String key = line.substring(line.lastIndexOf(':') + 1);
                if (json) {
                    Map<String, String> out = new LinkedHashMap<>();
                    out.put("identity", issued.credential().identity());
                    out.put("key", key);
                    System.out.println(JSON.writeValueAsString(out));
                } else {
                    System.out.println("identity: " + issued.credential().identity());
                    System.out.println("key:      " + key);
                }
                return 0;
            });
        }

        private static void writePrivately(Path file, String text) {
            try {
                Files.deleteIfExists(file);
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the PSK file " + file, e);
            }
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List NBD TLS identities (never their keys).")
    static final class ListCredentials implements Callable<Integer> {
        @Option(names = "--project", description = "Only this project's identities.")
        String project;

        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @picocli.CommandLine.Mixin
        Storage storage = new Storage();

        @Override
        public Integer call() throws IOException {
            return storage.withService(credentials -> {
                List<NbdCredential> all = credentials.list(Optional.ofNullable(project));
                if (json) {
                    System.out.println(JSON.writeValueAsString(
                            all.stream().map(ListCredentials::row).toList()));
                    return 0;
                }
                String format = "%-32s  %-32s  %-36s  %-9s  %s%n";
                System.out.printf(format, "IDENTITY", "PROJECT", "VOLUME", "MODE", "ISSUED TO");
                for (NbdCredential credential : all) {
                    System.out.printf(
                            format,
                            credential.identity(),
                            credential.projectId().orElse("(admin: all)"),
                            credential.volumeId().orElse("(all)"),
                            credential.readOnly() ? "ro" : "rw",
                            credential
                                    .connector()
                                    .map(host -> "connector " + host)
                                    .orElse("operator"));
                }
                return 0;
            });
        }

        private static Map<String, Object> row(NbdCredential credential) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("identity", credential.identity());
            row.put("project", credential.projectId().orElse(null));
            row.put("volume", credential.volumeId().orElse(null));
            row.put("connector", credential.connector().orElse(null));
            row.put("read_only", credential.readOnly());
            row.put("description", credential.description());
            row.put("created_at", credential.createdAt().toString());
            return row;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = "Revoke an NBD TLS identity; new connections proving it fail at once.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "IDENTITY", description = "The identity.")
        String identity;

        @picocli.CommandLine.Mixin
        Storage storage = new Storage();

        @Override
        public Integer call() throws IOException {
            return storage.withService(credentials -> {
                if (!credentials.revoke(identity)) {
                    System.err.println("cairn: no NBD identity " + identity);
                    return 1;
                }
                System.out.println("revoked " + identity);
                return 0;
            });
        }
    }
}
