package io.cairn;

import io.cairn.backup.BackupRepository;
import io.cairn.bench.BenchCommand;
import io.cairn.cli.AccessKeyCommand;
import io.cairn.cli.BackupCommand;
import io.cairn.cli.CommandFailures;
import io.cairn.cli.DbCommand;
import io.cairn.cli.NbdCredentialsCommand;
import io.cairn.cli.SnapshotCommand;
import io.cairn.cli.VolumeCommand;
import io.cairn.config.CairnConfig;
import io.cairn.config.ConfigException;
import io.cairn.config.Settings;
import io.cairn.domain.BackupWork;
import io.cairn.domain.GroupWork;
import io.cairn.domain.SnapshotGroupWork;
import io.cairn.domain.SnapshotWork;
import io.cairn.domain.VolumeWork;
import io.cairn.domain.Work;
import io.cairn.engine.Engine;
import io.cairn.engine.LocalChunkEngine;
import io.cairn.engine.nbd.NbdServer;
import io.cairn.engine.rbd.RbdCluster;
import io.cairn.engine.rbd.RbdEngine;
import io.cairn.engine.rbd.RbdSetupException;
import io.cairn.http.ApiServer;
import io.cairn.http.Authenticator;
import io.cairn.http.Console;
import io.cairn.http.KeystoneAuth;
import io.cairn.http.KeystoneClient;
import io.cairn.http.NoAuth;
import io.cairn.http.RenderedViewCache;
import io.cairn.http.Router;
import io.cairn.http.aksk.AkSkAuth;
import io.cairn.http.aksk.SignatureOrToken;
import io.cairn.http.cinder.AvailabilityZoneResource;
import io.cairn.http.cinder.BackupResource;
import io.cairn.http.cinder.CinderV2Resource;
import io.cairn.http.cinder.GroupResource;
import io.cairn.http.cinder.GroupSnapshotResource;
import io.cairn.http.cinder.GroupTypeResource;
import io.cairn.http.cinder.LimitsResource;
import io.cairn.http.cinder.QuotaResource;
import io.cairn.http.cinder.SnapshotBlocksResource;
import io.cairn.http.cinder.SnapshotIngestResource;
import io.cairn.http.cinder.SnapshotResource;
import io.cairn.http.cinder.VersionResource;
import io.cairn.http.cinder.VolumeResource;
import io.cairn.http.cinder.VolumeTypeResource;
import io.cairn.http.evs.CloudSnapshotResource;
import io.cairn.http.evs.EvsJobResource;
import io.cairn.http.evs.SnapshotGroupResource;
import io.cairn.http.evs.StandardSnapshotResource;
import io.cairn.metrics.ServiceMetrics;
import io.cairn.service.AccessKeyService;
import io.cairn.service.AvailabilityZoneService;
import io.cairn.service.BackupRecords;
import io.cairn.service.BackupService;
import io.cairn.service.BackupWorkHandler;
import io.cairn.service.BlockTokens;
import io.cairn.service.EvsJobService;
import io.cairn.service.EvsService;
import io.cairn.service.GroupService;
import io.cairn.service.GroupSnapshotService;
import io.cairn.service.GroupTypeService;
import io.cairn.service.GroupWorkHandler;
import io.cairn.service.MetadataService;
import io.cairn.service.NbdCredentialService;
import io.cairn.service.QuotaService;
import io.cairn.service.SecretBox;
import io.cairn.service.SnapshotBlockAccess;
import io.cairn.service.SnapshotGroupService;
import io.cairn.service.SnapshotGroupWorkHandler;
import io.cairn.service.SnapshotIngestService;
import io.cairn.service.SnapshotManagement;
import io.cairn.service.SnapshotService;
import io.cairn.service.SnapshotWorkHandler;
import io.cairn.service.StandardSnapshotService;
import io.cairn.service.VolumeActions;
import io.cairn.service.VolumeAttachments;
import io.cairn.service.VolumeConnections;
import io.cairn.service.VolumeService;
import io.cairn.service.VolumeTypeService;
import io.cairn.service.VolumeWorkHandler;
import io.cairn.store.AccessKeyStore;
import io.cairn.store.BackupStore;
import io.cairn.store.Database;
import io.cairn.store.EvsJobStore;
import io.cairn.store.EvsTagStore;
import io.cairn.store.GroupSnapshotStore;
import io.cairn.store.GroupStore;
import io.cairn.store.GroupTypeStore;
import io.cairn.store.NbdCredentialStore;
import io.cairn.store.QuotaStore;
import io.cairn.store.SnapshotGroupStore;
import io.cairn.store.SnapshotIngestStore;
import io.cairn.store.SnapshotStore;
import io.cairn.store.TaskStore;
import io.cairn.store.VolumeStore;
import io.cairn.store.VolumeTypeStore;
import io.cairn.task.GroupRecovery;
import io.cairn.task.RecoveryPass;
import io.cairn.task.Sweeper;
import io.cairn.task.TaskHandler;
import io.cairn.task.TaskQueue;
import io.cairn.task.TaskWorker;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The composition root and the command line: config, then store, engine, services and HTTP. */
@Command(
        name = "cairn",
        mixinStandardHelpOptions = true,
        subcommands = {
            Main.Serve.class,
            DbCommand.class,
            BenchCommand.class,
            VolumeCommand.class,
            SnapshotCommand.class,
            AccessKeyCommand.class,
            NbdCredentialsCommand.class,
            BackupCommand.class
        },
        description = "A block-storage snapshot service speaking the OpenStack Cinder v3 API.")
public final class Main implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, whose failures are reported in one place ({@link CommandFailures}). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(new CommandFailures());
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** A running Cairn: its HTTP port, and everything to close on shutdown, in order. */
    public record Running(
            int port,
            ApiServer server,
            TaskWorker worker,
            Sweeper ingestSweeper,
            Database database,
            int nbdPort,
            NbdServer nbd,
            Engine engine,
            Optional<BackupRepository> backupRepository,
            ServiceMetrics metrics)
            implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            nbd.close();
            ingestSweeper.close();
            worker.close();
            try {
                engine.close();
            } catch (IOException e) {
                LOG.warn(
                        "closing the storage engine failed; the local engine's recovery pass repairs it at the next start",
                        e);
            }
            backupRepository.ifPresent(BackupRepository::close);
            database.close();
            metrics.close();
        }
    }

    /** Builds and starts the whole service. */
    public static Running start(CairnConfig config) throws IOException {
        requireSafeBinding(config);
        Files.createDirectories(config.dataDir());
        Clock clock = Clock.systemUTC();
        Database database = Database.open(config.database());
        Engine engine = openEngine(config);
        SnapshotStore snapshotStore = new SnapshotStore(database);
        VolumeStore volumeStore = new VolumeStore(database);
        TaskStore taskStore = new TaskStore(database);
        TaskQueue queue = new TaskQueue(taskStore, clock);
        ServiceMetrics metrics = new ServiceMetrics(clock);
        database.publishPoolMetrics(metrics.registry());
        metrics.watchTaskQueue(taskStore::queueState);
        QuotaService quotas = new QuotaService(database, new QuotaStore(database), config.quotaDefaults());
        SnapshotService snapshots = new SnapshotService(database, snapshotStore, volumeStore, quotas, queue, clock);
        SnapshotManagement snapshotManagement =
                new SnapshotManagement(database, snapshotStore, volumeStore, quotas, queue, engine, clock);
        MetadataService volumeMetadata = MetadataService.ofVolumes(database, volumeStore);
        GroupStore groupStore = new GroupStore(database);
        GroupSnapshotStore groupSnapshotStore = new GroupSnapshotStore(database);
        VolumeTypeService volumeTypes = new VolumeTypeService(database, new VolumeTypeStore(database), clock);
        VolumeService volumes = new VolumeService(
                database,
                volumeStore,
                snapshotStore,
                groupStore,
                volumeTypes,
                volumeMetadata,
                quotas,
                queue,
                clock,
                engine.host(config.nodeName()));
        GroupTypeService groupTypes = new GroupTypeService(database, new GroupTypeStore(database), clock);
        GroupService groups = new GroupService(
                database,
                groupStore,
                groupSnapshotStore,
                groupTypes,
                volumeTypes,
                volumeStore,
                snapshotStore,
                volumes,
                quotas,
                queue,
                clock,
                engine.host(config.nodeName()));
        GroupSnapshotService groupSnapshots = new GroupSnapshotService(
                database, groupSnapshotStore, groupStore, volumeStore, snapshotStore, quotas, queue, clock);
        VolumeActions volumeActions = new VolumeActions(database, volumeStore, snapshotStore, quotas, queue, clock);
        VolumeAttachments attachments = new VolumeAttachments(database, volumeStore, clock);

        BackupStore backupStore = new BackupStore(database);
        Optional<BackupRepository> backupRepository = openBackupRepository(config);
        BackupService backups = new BackupService(
                database,
                backupStore,
                volumeStore,
                snapshotStore,
                volumes,
                quotas,
                queue,
                clock,
                config.backup().map(CairnConfig.BackupConfig::bucket));
        BackupRecords backupRecords = new BackupRecords(database, backupStore, backups, quotas, queue, clock);

        SnapshotIngestStore ingestStore = new SnapshotIngestStore(database);
        SnapshotIngestService ingests = new SnapshotIngestService(
                database,
                ingestStore,
                volumeStore,
                snapshotStore,
                volumes,
                snapshots,
                engine,
                queue,
                clock,
                engine.host(config.nodeName()));

        // Groups first: a group's clone task, given back here, is what keeps its members from tasks of their own.
        new GroupRecovery(database, taskStore, queue, groupStore, groupSnapshotStore, clock).run();
        new RecoveryPass(database, taskStore, queue, snapshotStore, volumeStore, backupStore, ingestStore, clock)
                .run(config.nodeName());
        SnapshotGroupStore snapshotGroupStore = new SnapshotGroupStore(database);
        EvsTagStore evsTags = new EvsTagStore(database);
        EvsJobService evsJobs = new EvsJobService(new EvsJobStore(database), taskStore, clock);
        SnapshotGroupService snapshotGroups = new SnapshotGroupService(
                database,
                snapshotGroupStore,
                volumeStore,
                snapshotStore,
                evsTags,
                quotas,
                queue,
                taskStore,
                evsJobs,
                clock);
        snapshotGroups.resumeInterrupted();
        TaskHandler volumeWork = new VolumeWorkHandler(
                database, volumeStore, snapshotStore, backupStore, quotas, engine, groups, taskStore, clock);
        TaskHandler groupWork = new GroupWorkHandler(
                database, groupStore, groupSnapshotStore, volumeStore, snapshotStore, quotas, engine, taskStore, clock);
        TaskHandler snapshotWork = new SnapshotWorkHandler(database, snapshotStore, quotas, engine, taskStore, clock);
        TaskHandler snapshotGroupWork = new SnapshotGroupWorkHandler(
                database, snapshotGroupStore, snapshotStore, evsTags, quotas, engine, taskStore, clock);
        TaskHandler backupWork = new BackupWorkHandler(
                database, backupStore, volumeStore, snapshotStore, quotas, engine, backupRepository, taskStore, clock);
        TaskWorker worker = new TaskWorker(
                taskStore,
                queue,
                metrics.metered(Work.all().collect(Collectors.toMap(Function.identity(), work -> switch (work) {
                    case VolumeWork.RESTORE_BACKUP -> backupWork;
                    case VolumeWork volume -> volumeWork;
                    case SnapshotWork snapshot -> snapshotWork;
                    case BackupWork backup -> backupWork;
                    case GroupWork group -> groupWork;
                    case SnapshotGroupWork snapshotGroup -> snapshotGroupWork;
                }))),
                config.nodeName(),
                4);
        worker.start();
        Sweeper ingestSweeper = Sweeper.start(
                "snapshot-ingests", ingests::sweep, config.ingest().sweepInterval());

        EvsService evs = new EvsService(snapshots, volumes, volumeActions, snapshotStore);
        RenderedViewCache views = new RenderedViewCache(config.viewCache().capacityBytes());
        CloudSnapshotResource cloudSnapshots = new CloudSnapshotResource(evs, snapshots, views);
        Router router = new Router();
        SnapshotResource snapshotResource = new SnapshotResource(
                snapshots, snapshotManagement, MetadataService.ofSnapshots(database, snapshotStore), views);
        Optional<NbdCredentialService> nbdCredentials = config.dataPlane()
                .nbdCredentialKey()
                .map(key -> new NbdCredentialService(new NbdCredentialStore(database), key, clock));
        NbdServer nbd = new NbdServer(
                        engine,
                        new NbdExports(
                                database, volumeStore, snapshotStore, engine.host(config.nodeName()), nbdCredentials),
                        config.dataPlane().nbdTls())
                .start(config.dataPlane().nbdHost(), config.dataPlane().nbdPort());
        VolumeConnections connections = new VolumeConnections(
                volumeStore,
                engine,
                new VolumeConnections.NbdEndpoint(config.dataPlane().nbdHost(), nbd.port()),
                nbdCredentials);
        VolumeResource volumeResource =
                new VolumeResource(volumes, volumeActions, attachments, connections, volumeMetadata, views);
        snapshotResource.register(router);
        new SnapshotBlocksResource(new SnapshotBlockAccess(
                        snapshotStore,
                        engine,
                        engine,
                        blockTokens(config),
                        config.blockAccess().tokenLifetime(),
                        clock))
                .register(router);
        volumeResource.register(router);
        new BackupResource(backups, backupRecords).register(router);
        new SnapshotIngestResource(ingests).register(router);
        cloudSnapshots.registerLegacyRollback(router);
        new QuotaResource(quotas).register(router);
        new LimitsResource(quotas).register(router);
        new AvailabilityZoneResource(new AvailabilityZoneService()).register(router);
        new VolumeTypeResource(volumeTypes).register(router);
        new GroupTypeResource(groupTypes).register(router);
        new GroupResource(groups, groupSnapshots).register(router);
        new GroupSnapshotResource(groupSnapshots).register(router);
        AtomicBoolean ready = new AtomicBoolean();
        Router v2Router = new Router();
        cloudSnapshots.register(v2Router);
        new EvsJobResource(evsJobs).register(v2Router);
        Router v5Router = new Router();
        new StandardSnapshotResource(
                        new StandardSnapshotService(evs, snapshots, volumes, snapshotStore, database, evsTags, evsJobs))
                .register(v5Router);
        new SnapshotGroupResource(snapshotGroups).register(v5Router);
        new CinderV2Resource(evs, views).register(v2Router, snapshotResource, volumeResource);
        ApiServer server = new ApiServer(
                        router,
                        v2Router,
                        config.server().faults(),
                        authenticator(config.auth(), database, clock),
                        new VersionResource(),
                        ready::get)
                .withV5(v5Router)
                .withTelemetry(metrics)
                .withConsole(console(config.auth()))
                .start(config.server().host(), config.server().port());
        ready.set(true);
        return new Running(
                server.port(),
                server,
                worker,
                ingestSweeper,
                database,
                nbd.port(),
                nbd,
                engine,
                backupRepository,
                metrics);
    }

    /** The engine the backend setting names; a cluster that cannot be used stops the start, naming the setting. */
    private static Engine openEngine(CairnConfig config) throws IOException {
        return switch (config.engine().backend()) {
            case LOCAL ->
                LocalChunkEngine.open(
                        config.dataDir().resolve("engine"), config.dataPlane().chunkSizeBytes());
            case RBD -> {
                CairnConfig.RbdConfig rbd = config.engine().rbd().orElseThrow();
                try {
                    yield new RbdEngine(
                            RbdCluster.connect(rbd.cephConf(), rbd.cephUser(), rbd.pool(), rbd.timeoutSeconds()),
                            new RbdEngine.Settings(
                                    rbd.flattenVolumeFromSnapshot(), rbd.maxCloneDepth(), rbd.objectSizeBytes()));
                } catch (RbdSetupException e) {
                    throw new ConfigException(e.setting(), e.getMessage());
                } catch (UnsatisfiedLinkError | IllegalArgumentException e) {
                    throw new ConfigException(
                            "backend", "rbd needs librados and librbd (Debian: ceph-common): " + e.getMessage());
                }
            }
        };
    }

    /**
     * The signer of block tokens: under a key derived from secret-key, shared by every node that has it; without one,
     * under a key of this process, whose tokens other nodes refuse and a restart voids.
     */
    private static BlockTokens blockTokens(CairnConfig config) {
        return config.blockAccess().secretKey().map(BlockTokens::derivedFrom).orElseGet(() -> {
            if (!config.database().isSqlite()) {
                LOG.warn(
                        "secret-key is not set: snapshot block tokens are signed with a key of this node only, so other"
                                + " nodes sharing the database refuse them; set secret-key (CAIRN_SECRET_KEY) on every node");
            }
            return BlockTokens.withRandomKey();
        });
    }

    /** The object store backups go to, when one is configured; one that cannot be used stops the start. */
    private static Optional<BackupRepository> openBackupRepository(CairnConfig config) {
        return config.backup().map(backup -> {
            try {
                return BackupRepository.open(backup);
            } catch (IOException e) {
                throw new ConfigException(
                        backup.endpoint().isPresent() ? "backup-s3-endpoint" : "backup-s3-bucket", e.getMessage());
            }
        });
    }

    /** The web console, signing people in as the auth mode takes tokens (AK/SK-signed requests it does not make). */
    private static Console console(CairnConfig.AuthConfig auth) {
        return switch (auth.mode()) {
            case NOAUTH -> new Console(Console.SignIn.NOAUTH, Optional.empty(), "Default");
            case KEYSTONE -> {
                CairnConfig.KeystoneConfig keystone = auth.keystone().orElseThrow();
                yield new Console(Console.SignIn.KEYSTONE, Optional.of(keystone.url()), keystone.domain());
            }
            case AKSK -> new Console(Console.SignIn.NONE, Optional.empty(), "Default");
        };
    }

    private static Authenticator authenticator(CairnConfig.AuthConfig auth, Database database, Clock clock) {
        Optional<AkSkAuth> signatures = auth.akSk()
                .map(akSk -> new AkSkAuth(
                        new AccessKeyService(
                                new AccessKeyStore(database), Optional.of(new SecretBox(akSk.encryptionKey())), clock),
                        clock));
        Optional<Authenticator> tokens = switch (auth.mode()) {
            case NOAUTH -> Optional.of(new NoAuth());
            case KEYSTONE -> {
                CairnConfig.KeystoneConfig keystone = auth.keystone().orElseThrow();
                yield Optional.of(new KeystoneAuth(
                        new KeystoneClient(
                                keystone.url(),
                                new KeystoneClient.ServiceCredential(
                                        keystone.username(),
                                        keystone.password(),
                                        keystone.project(),
                                        keystone.domain()),
                                clock),
                        clock));
            }
            case AKSK -> Optional.empty(); // signed requests only
        };
        if (signatures.isEmpty()) {
            return tokens.orElseThrow(); // the config has a token mode whenever aksk is off
        }
        return tokens.map(t -> SignatureOrToken.combine(signatures.get(), t))
                .orElseGet(() -> SignatureOrToken.signaturesOnly(signatures.get()));
    }

    private static void requireSafeBinding(CairnConfig config) throws IOException {
        boolean loopback = InetAddress.getByName(config.server().host()).isLoopbackAddress();
        if (config.auth().mode() == CairnConfig.AuthMode.NOAUTH
                && !loopback
                && !config.server().allowInsecureNoauth()) {
            throw new ConfigException(
                    "host",
                    config.server().host(),
                    "allowed with auth=noauth: noauth serves loopback only unless --allow-insecure-noauth is given");
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the API server and its workers.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--host", description = "Address to listen on (CAIRN_HOST; default 127.0.0.1).")
        String host;

        @Option(names = "--port", description = "Port to listen on (CAIRN_PORT; default 8776).")
        String port;

        @Option(
                names = "--data-dir",
                description = "Directory for the database and volume data (CAIRN_DATA_DIR; default ./data).")
        String dataDir;

        @Option(names = "--config", description = "A properties file with settings (CAIRN_CONFIG).")
        Path configFile;

        @Option(names = "--allow-insecure-noauth", description = "Allow noauth on a non-loopback address.")
        boolean allowInsecureNoauth;

        @Option(names = "--nbd-port", description = "Port of the NBD data path (CAIRN_NBD_PORT; default 10809).")
        String nbdPort;

        @Option(
                names = "--backend",
                description = "Where volume data lives: local or rbd (CAIRN_BACKEND; default local).")
        String backend;

        @Option(
                names = "--ceph-conf",
                description = "With rbd: the Ceph configuration file (CAIRN_CEPH_CONF; default /etc/ceph/ceph.conf).")
        String cephConf;

        @Option(names = "--rbd-pool", description = "With rbd: the pool of volumes (CAIRN_RBD_POOL; default rbd).")
        String rbdPool;

        @Option(
                names = "--ceph-user",
                description = "With rbd: the Ceph client user, without client. (CAIRN_CEPH_USER; default admin).")
        String cephUser;

        @Override
        public Integer call() throws Exception {
            Map<String, String> flags = new HashMap<>();
            putIfSet(flags, "host", host);
            putIfSet(flags, "port", port);
            putIfSet(flags, "data-dir", dataDir);
            putIfSet(flags, "nbd-port", nbdPort);
            putIfSet(flags, "backend", backend);
            putIfSet(flags, "ceph-conf", cephConf);
            putIfSet(flags, "rbd-pool", rbdPool);
            putIfSet(flags, "ceph-user", cephUser);
            if (allowInsecureNoauth) {
                flags.put("allow-insecure-noauth", "true");
            }
            CairnConfig config =
                    CairnConfig.from(Settings.load(flags, System.getenv(), Optional.ofNullable(configFile)));
            Running running = start(config);
            LOG.info(
                    "cairn serving on http://{}:{}/ (data in {})",
                    config.server().host(),
                    running.port(),
                    config.dataDir());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("cairn stopping: draining requests, finishing or releasing tasks, closing the store");
                running.close();
                LOG.info("cairn stopped cleanly");
                stopped.countDown();
            }));
            stopped.await();
            return 0;
        }

        private static void putIfSet(Map<String, String> flags, String key, String value) {
            if (value != null) {
                flags.put(key, value);
            }
        }
    }
}
