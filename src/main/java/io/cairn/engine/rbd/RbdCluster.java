package io.cairn.engine.rbd;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.cairn.engine.EngineException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A connection to a Ceph cluster as one client user, with an I/O context on one pool. librados is thread-safe,
 * so one connection serves the whole process. Its time-outs turn a cluster that stops answering into failed
 * operations ({@code UNAVAILABLE}) within seconds, never into a hung caller.
 */
@SuppressWarnings("restricted") // reads a buffer librados allocated, of the length it returned
public final class RbdCluster implements AutoCloseable {
    /** The longest a librados call waits for an OSD, by default; monitors get a third of it, 10 s at most. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;

    private final MemorySegment cluster;
    private final MemorySegment ioctx;
    private final String pool;
    private final String user;
    private final String fsid;
    private final int timeoutSeconds;

    private RbdCluster(
            MemorySegment cluster, MemorySegment ioctx, String pool, String user, String fsid, int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
        this.cluster = cluster;
        this.ioctx = ioctx;
        this.pool = pool;
        this.user = user;
        this.fsid = fsid;
    }

    /**
     * Connects as {@code client.<user>} with the monitors and keyring {@code conf} names, and opens {@code pool}.
     *
     * @throws RbdSetupException naming the setting at fault: the file, the user's key, the cluster or the pool
     */
    public static RbdCluster connect(Path conf, String user, String pool) {
        return connect(conf, user, pool, DEFAULT_TIMEOUT_SECONDS);
    }

    /** As {@link #connect(Path, String, String)}, with librados' time-outs from {@code timeoutSeconds}. */
    public static RbdCluster connect(Path conf, String user, String pool, int timeoutSeconds) {
        String osdTimeout = Integer.toString(timeoutSeconds);
        String monitorTimeout = Integer.toString(Math.max(1, Math.min(10, timeoutSeconds / 3)));
        if (!Files.isReadable(conf)) {
            throw new RbdSetupException("ceph-conf", conf + " is not a readable file");
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment handle = call.allocate(ADDRESS);
            check(
                    Librbd.radosCreate2(handle, call.allocateFrom("ceph"), call.allocateFrom("client." + user), 0),
                    "ceph-user",
                    "client." + user + " is not a valid Ceph client name");
            MemorySegment cluster = handle.get(ADDRESS, 0);
            try {
                check(
                        Librbd.radosConfReadFile(cluster, call.allocateFrom(conf.toString())),
                        "ceph-conf",
                        conf + " is not a Ceph configuration file");
                set(cluster, call, "client_mount_timeout", monitorTimeout);
                set(cluster, call, "rados_mon_op_timeout", monitorTimeout);
                set(cluster, call, "rados_osd_op_timeout", osdTimeout);
                // NBD clients flush when they need durability (Cairn advertises FLUSH and FUA), so librbd's write-back
                // cache may start at once instead of waiting for a first flush.
                set(cluster, call, "rbd_cache_writethrough_until_flush", "false");
                // A discard must leave its whole range reading as zeros (BlockDevice.trim), also the parts of it that
                // do not cover whole pieces of an object, which librbd skips by default.
                set(cluster, call, "rbd_skip_partial_discard", "false");
                int connected = Librbd.radosConnect(cluster);
                boolean refused = connected == -1 || connected == -13 || connected == -Librbd.ENOENT; // EPERM, EACCES
                check(
                        connected,
                        refused ? "ceph-user" : "ceph-conf",
                        refused
                                ? "the cluster refused client." + user + " (is its key in the keyring " + conf
                                        + " names, with caps on the monitors?)"
                                : "no monitor " + conf + " names answered within " + monitorTimeout + " s");
                MemorySegment context = call.allocate(ADDRESS);
                check(
                        Librbd.radosIoctxCreate(cluster, call.allocateFrom(pool), context),
                        "rbd-pool",
                        "the pool " + pool + " does not exist or client." + user + " may not use it");
                MemorySegment fsid = call.allocate(64);
                int length = Librbd.radosClusterFsid(cluster, fsid, fsid.byteSize());
                String id = length > 0 ? fsid.getString(0) : "unknown";
                return new RbdCluster(cluster, context.get(ADDRESS, 0), pool, user, id, timeoutSeconds);
            } catch (RuntimeException e) {
                Librbd.radosShutdown(cluster);
                throw e;
            }
        }
    }

    private static void set(MemorySegment cluster, Arena call, String option, String value) {
        check(Librbd.radosConfSet(cluster, call.allocateFrom(option), call.allocateFrom(value)), "ceph-conf", option);
    }

    private static void check(int result, String setting, String problem) {
        if (result < 0) {
            throw new RbdSetupException(setting, problem + " (" + Errno.describe(-result) + ")");
        }
    }

    MemorySegment ioctx() {
        return ioctx;
    }

    /** How long librados waits for an OSD before it fails a call. */
    int timeoutSeconds() {
        return timeoutSeconds;
    }

    public String pool() {
        return pool;
    }

    public String user() {
        return user;
    }

    /** The cluster's fsid: what names it among clusters. */
    public String fsid() {
        return fsid;
    }

    /** The monitors' addresses (host and port, for the v1 protocol clients such as qemu speak), from the monmap. */
    public List<String> monitors() throws IOException {
        JsonNode dump = JsonMapper.builder()
                .build()
                .readTree(monitorCommand("{\"prefix\": \"mon dump\", \"format\": \"json\"}"));
        List<String> addresses = new ArrayList<>();
        for (JsonNode monitor : dump.path("mons")) {
            String address = monitor.path("addr").asString("");
            for (JsonNode entry : monitor.path("public_addrs").path("addrvec")) {
                if ("v1".equals(entry.path("type").asString(""))) {
                    address = entry.path("addr").asString("");
                }
            }
            int nonce = address.indexOf('/');
            addresses.add(nonce < 0 ? address : address.substring(0, nonce));
        }
        return addresses;
    }

    private String monitorCommand(String command) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment commands = call.allocate(ADDRESS);
            commands.set(ADDRESS, 0, call.allocateFrom(command));
            MemorySegment output = call.allocate(ADDRESS);
            MemorySegment outputLength = call.allocate(JAVA_LONG);
            MemorySegment status = call.allocate(ADDRESS);
            MemorySegment statusLength = call.allocate(JAVA_LONG);
            int result = Librbd.radosMonCommand(cluster, commands, 1, output, outputLength, status, statusLength);
            MemorySegment out = output.get(ADDRESS, 0);
            MemorySegment outStatus = status.get(ADDRESS, 0);
            try {
                if (result < 0) {
                    throw Errno.failure(-result, "monitor command " + command);
                }
                return new String(
                        out.reinterpret(outputLength.get(JAVA_LONG, 0)).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
            } finally {
                if (!out.equals(MemorySegment.NULL)) {
                    Librbd.radosBufferFree(out);
                }
                if (!outStatus.equals(MemorySegment.NULL)) {
                    Librbd.radosBufferFree(outStatus);
                }
            }
        }
    }

    /** Fails unless the cluster answers: a cheap call that needs the monitors. */
    void requireReachable() throws EngineException {
        try {
            monitorCommand("{\"prefix\": \"fsid\", \"format\": \"json\"}");
        } catch (IOException e) {
            throw new EngineException(
                    EngineException.Reason.UNAVAILABLE, "the Ceph cluster does not answer: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        Librbd.radosIoctxDestroy(ioctx);
        Librbd.radosShutdown(cluster);
    }
}
