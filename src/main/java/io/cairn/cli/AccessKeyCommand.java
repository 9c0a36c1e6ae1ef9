package io.cairn.cli;

import io.cairn.config.CairnConfig;
import io.cairn.config.Settings;
import io.cairn.domain.AccessKey;
import io.cairn.service.AccessKeyService;
import io.cairn.service.SecretBox;
import io.cairn.store.AccessKeyStore;
import io.cairn.store.Database;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code cairn access-key create|list|delete}: the AK/SK credentials EVS clients sign requests with, kept in
 * the server's database (secrets sealed with {@code CAIRN_SECRET_KEY}). Works while the server runs.
 */
@Command(
        name = "access-key",
        mixinStandardHelpOptions = true,
        description = "Manage AK/SK credentials for EVS clients.",
        subcommands = {AccessKeyCommand.Create.class, AccessKeyCommand.ListKeys.class, AccessKeyCommand.Delete.class})
public final class AccessKeyCommand implements Runnable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Where the database is, and the secret key that seals the secrets: the same settings as {@code cairn serve}. */
    static final class Storage {
        @picocli.CommandLine.Mixin
        DatabaseOptions database = new DatabaseOptions();

        /** Runs {@code work} against the database, which is created (with its directory) when there is none yet. */
        int withService(boolean needsSecretKey, Function<AccessKeyService, Integer> work) throws IOException {
            Settings settings = database.settings();
            Optional<SecretBox> box = needsSecretKey
                    ? Optional.of(
                            new SecretBox(CairnConfig.accessKeyConfig(settings).encryptionKey()))
                    : Optional.empty();
            try (Database db = database.open(settings, true)) {
                return work.apply(new AccessKeyService(new AccessKeyStore(db), box, Clock.systemUTC()));
            }
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Issue an access key for a project; the secret is shown once.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--project", required = true, description = "The project the key acts in.")
        String project;

        @Option(names = "--user", description = "The user the key acts as (default: the access key id).")
        String user;

        @Option(
                names = "--roles",
                defaultValue = "member",
                split = ",",
                description = "Roles of the key's caller, comma-separated (default: member; admin, member or reader).")
        String[] roles;

        @Option(names = "--description", description = "A note to tell keys apart.")
        String description;

        @Option(names = "--json", description = "Print {\"access\":...,\"secret\":...} only.")
        boolean json;

        @picocli.CommandLine.Mixin
        Storage storage = new Storage();

        @Override
        public Integer call() throws IOException {
            return storage.withService(true, keys -> {
                AccessKeyService.Issued issued = keys.create(
                        project,
                        Optional.ofNullable(user),
                        Set.copyOf(Arrays.stream(roles)
                                .map(String::strip)
                                .filter(r -> !r.isEmpty())
                                .toList()),
                        description);
                if (json) {
                    Map<String, String> out = new LinkedHashMap<>();
                    out.put("access", issued.key().accessKey());
                    out.put("secret", issued.secret());
                    System.out.println(JSON.writeValueAsString(out));
                } else {
                    System.out.println("access key: " + issued.key().accessKey());
                    System.out.println("secret key: " + issued.secret());
                    System.out.println("(the secret is not shown again)");
                }
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List access keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Option(names = "--project", description = "Only this project's keys.")
        String project;

        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @picocli.CommandLine.Mixin
        Storage storage = new Storage();

        @Override
        public Integer call() throws IOException {
            return storage.withService(false, keys -> {
                List<AccessKey> all = keys.list(Optional.ofNullable(project));
                if (json) {
                    System.out.println(JSON.writeValueAsString(
                            all.stream().map(ListKeys::row).toList()));
                } else {
                    System.out.printf(
                            "%-20s  %-32s  %-20s  %-20s  %s%n", "ACCESS KEY", "PROJECT", "USER", "ROLES", "CREATED");
                    for (AccessKey key : all) {
                        System.out.printf(
                                "%-20s  %-32s  %-20s  %-20s  %s%n",
                                key.accessKey(),
                                key.projectId(),
                                key.userId(),
                                String.join(",", key.roles()),
                                key.createdAt());
                    }
                }
                return 0;
            });
        }

        private static Map<String, Object> row(AccessKey key) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("access", key.accessKey());
            row.put("project", key.projectId());
            row.put("user", key.userId());
            row.put("roles", key.roles().stream().sorted().toList());
            row.put("description", key.description());
            row.put("created_at", key.createdAt().toString());
            return row;
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete an access key; requests signed with it fail at once.")
    static final class Delete implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ACCESS_KEY", description = "The access key id.")
        String accessKey;

        @picocli.CommandLine.Mixin
        Storage storage = new Storage();

        @Override
        public Integer call() throws IOException {
            return storage.withService(false, keys -> {
                if (!keys.delete(accessKey)) {
                    System.err.println("cairn: no access key " + accessKey);
                    return 1;
                }
                System.out.println("deleted " + accessKey);
                return 0;
            });
        }
    }
}
