package io.cairn.engine.rbd;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The C functions of librados ({@code librados.so.2}) and librbd ({@code librbd.so.1}) that Cairn calls, through
 * Java's foreign function API. Nothing else in Cairn touches native memory for Ceph. The functions, by area:
 *
 * <ul>
 *   <li>cluster: {@code rados_create2}, {@code rados_conf_read_file}, {@code rados_conf_set}, {@code rados_connect},
 *       {@code rados_cluster_fsid}, {@code rados_mon_command}, {@code rados_buffer_free}, {@code rados_shutdown},
 *       {@code rados_ioctx_create}, {@code rados_ioctx_destroy}
 *   <li>images: {@code rbd_create2}, {@code rbd_open}, {@code rbd_open_read_only}, {@code rbd_close},
 *       {@code rbd_get_size}, {@code rbd_stat}, {@code rbd_resize}, {@code rbd_remove}, {@code rbd_rename},
 *       {@code rbd_list2}, {@code rbd_image_spec_list_cleanup}, {@code rbd_clone2}, {@code rbd_flatten_with_progress},
 *       {@code rbd_get_parent}, {@code rbd_linked_image_spec_cleanup}, {@code rbd_snap_spec_cleanup},
 *       {@code rbd_list_children3}, {@code rbd_linked_image_spec_list_cleanup}, {@code rbd_diff_iterate2}
 *   <li>snapshots: {@code rbd_snap_create}, {@code rbd_snap_remove}, {@code rbd_snap_protect},
 *       {@code rbd_snap_unprotect}, {@code rbd_snap_is_protected}, {@code rbd_snap_rollback}, {@code rbd_snap_list},
 *       {@code rbd_snap_list_end}
 *   <li>asynchronous I/O: {@code rbd_aio_create_completion}, {@code rbd_aio_read}, {@code rbd_aio_write},
 *       {@code rbd_aio_discard}, {@code rbd_aio_write_zeroes}, {@code rbd_aio_flush},
 *       {@code rbd_aio_get_return_value}, {@code rbd_aio_release}
 * </ul>
 *
 * Every function returns what C returns: 0 or a count on success, a negative errno on failure.
 */
@SuppressWarnings("restricted") // native access is what this class is for; the launcher enables it
final class Librbd {
    private Librbd() {}

    /** A {@code char *} that points at a NUL-terminated string of any length. */
    static final AddressLayout C_STRING =
            ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, JAVA_BYTE));

    static final int ENOENT = 2;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int EINVAL = 22;
    static final int ERANGE = 34;
    static final int ENOTEMPTY = 39;
    static final int ETIMEDOUT = 110;

    /** layering, exclusive-lock, object-map, fast-diff, deep-flatten: what Cinder's images get by default. */
    static final long DEFAULT_FEATURES = 1 | 4 | 8 | 16 | 32;

    /** rbd_snap_info_t: id, size, name. */
    static final StructLayout SNAP_INFO =
            MemoryLayout.structLayout(JAVA_LONG.withName("id"), JAVA_LONG.withName("size"), C_STRING.withName("name"));

    /**
     * rbd_image_info_t: size, object size, object count, order, block name prefix, and the deprecated parent pool and
     * name.
     */
    static final StructLayout IMAGE_INFO = MemoryLayout.structLayout(
            JAVA_LONG.withName("size"),
            JAVA_LONG.withName("obj_size"),
            JAVA_LONG.withName("num_objs"),
            JAVA_INT.withName("order"),
            MemoryLayout.sequenceLayout(24, JAVA_BYTE).withName("block_name_prefix"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("parent_pool"),
            MemoryLayout.sequenceLayout(96, JAVA_BYTE).withName("parent_name"));

    /** rbd_image_spec_t: id, name. */
    static final StructLayout IMAGE_SPEC =
            MemoryLayout.structLayout(C_STRING.withName("id"), C_STRING.withName("name"));

    /** rbd_linked_image_spec_t: pool id and name, namespace, image id and name, whether it is in the trash. */
    static final StructLayout LINKED_IMAGE_SPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("pool_id"),
            C_STRING.withName("pool_name"),
            C_STRING.withName("pool_namespace"),
            C_STRING.withName("image_id"),
            C_STRING.withName("image_name"),
            JAVA_BYTE.withName("trash"),
            MemoryLayout.paddingLayout(7));

    /** rbd_snap_spec_t: id, namespace type, name. */
    static final StructLayout SNAP_SPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("id"),
            JAVA_INT.withName("namespace_type"),
            MemoryLayout.paddingLayout(4),
            C_STRING.withName("name"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBRARIES = SymbolLookup.libraryLookup("librados.so.2", Arena.global())
            .or(SymbolLookup.libraryLookup("librbd.so.1", Arena.global()));

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(
                LIBRARIES.find(name).orElseThrow(() -> new UnsatisfiedLinkError("librbd/librados lack " + name)),
                descriptor);
    }

    private static FunctionDescriptor returnsInt(MemoryLayout... arguments) {
        return FunctionDescriptor.of(JAVA_INT, arguments);
    }

    private static final MethodHandle RADOS_CREATE2 =
            function("rados_create2", returnsInt(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle RADOS_CONF_READ_FILE =
            function("rados_conf_read_file", returnsInt(ADDRESS, ADDRESS));
    private static final MethodHandle RADOS_CONF_SET =
            function("rados_conf_set", returnsInt(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RADOS_CONNECT = function("rados_connect", returnsInt(ADDRESS));
    private static final MethodHandle RADOS_CLUSTER_FSID =
            function("rados_cluster_fsid", returnsInt(ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle RADOS_MON_COMMAND = function(
            "rados_mon_command",
            returnsInt(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RADOS_BUFFER_FREE =
            function("rados_buffer_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle RADOS_SHUTDOWN = function("rados_shutdown", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle RADOS_IOCTX_CREATE =
            function("rados_ioctx_create", returnsInt(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RADOS_IOCTX_DESTROY =
            function("rados_ioctx_destroy", FunctionDescriptor.ofVoid(ADDRESS));

    private static final MethodHandle RBD_CREATE2 =
            function("rbd_create2", returnsInt(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
    private static final MethodHandle RBD_OPEN = function("rbd_open", returnsInt(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_OPEN_READ_ONLY =
            function("rbd_open_read_only", returnsInt(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_CLOSE = function("rbd_close", returnsInt(ADDRESS));
    private static final MethodHandle RBD_GET_SIZE = function("rbd_get_size", returnsInt(ADDRESS, ADDRESS));
    private static final MethodHandle RBD_STAT = function("rbd_stat", returnsInt(ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle RBD_RESIZE = function("rbd_resize", returnsInt(ADDRESS, JAVA_LONG));
    private static final MethodHandle RBD_REMOVE = function("rbd_remove", returnsInt(ADDRESS, ADDRESS));
    private static final MethodHandle RBD_RENAME = function("rbd_rename", returnsInt(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_LIST2 = function("rbd_list2", returnsInt(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_IMAGE_SPEC_LIST_CLEANUP =
            function("rbd_image_spec_list_cleanup", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG));
    private static final MethodHandle RBD_CLONE2 = function(
            "rbd_clone2",
            returnsInt(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RBD_FLATTEN_WITH_PROGRESS =
            function("rbd_flatten_with_progress", returnsInt(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_GET_PARENT =
            function("rbd_get_parent", returnsInt(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_LINKED_IMAGE_SPEC_CLEANUP =
            function("rbd_linked_image_spec_cleanup", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle RBD_SNAP_SPEC_CLEANUP =
            function("rbd_snap_spec_cleanup", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle RBD_LIST_CHILDREN3 =
            function("rbd_list_children3", returnsInt(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_LINKED_IMAGE_SPEC_LIST_CLEANUP =
            function("rbd_linked_image_spec_list_cleanup", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG));

    private static final MethodHandle RBD_DIFF_ITERATE2 = function(
            "rbd_diff_iterate2",
            returnsInt(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_BYTE, JAVA_BYTE, ADDRESS, ADDRESS));

    private static final MethodHandle RBD_SNAP_CREATE = function("rbd_snap_create", returnsInt(ADDRESS, ADDRESS));
    private static final MethodHandle RBD_SNAP_REMOVE = function("rbd_snap_remove", returnsInt(ADDRESS, ADDRESS));
    private static final MethodHandle RBD_SNAP_PROTECT = function("rbd_snap_protect", returnsInt(ADDRESS, ADDRESS));
    private static final MethodHandle RBD_SNAP_UNPROTECT = function("rbd_snap_unprotect", returnsInt(ADDRESS, ADDRESS));
    private static final MethodHandle RBD_SNAP_IS_PROTECTED =
            function("rbd_snap_is_protected", returnsInt(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_SNAP_ROLLBACK = function("rbd_snap_rollback", returnsInt(ADDRESS, ADDRESS));
    private static final MethodHandle RBD_SNAP_LIST = function("rbd_snap_list", returnsInt(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_SNAP_LIST_END =
            function("rbd_snap_list_end", FunctionDescriptor.ofVoid(ADDRESS));

    private static final MethodHandle RBD_AIO_CREATE_COMPLETION =
            function("rbd_aio_create_completion", returnsInt(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_AIO_READ =
            function("rbd_aio_read", returnsInt(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_AIO_WRITE =
            function("rbd_aio_write", returnsInt(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle RBD_AIO_DISCARD =
            function("rbd_aio_discard", returnsInt(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
    private static final MethodHandle RBD_AIO_WRITE_ZEROES =
            function("rbd_aio_write_zeroes", returnsInt(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle RBD_AIO_FLUSH = function("rbd_aio_flush", returnsInt(ADDRESS, ADDRESS));
    private static final MethodHandle RBD_AIO_GET_RETURN_VALUE =
            function("rbd_aio_get_return_value", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle RBD_AIO_RELEASE = function("rbd_aio_release", FunctionDescriptor.ofVoid(ADDRESS));

    /** librbd_progress_fn_t: {@code int (*)(uint64_t offset, uint64_t total, void *arg)}. */
    static final FunctionDescriptor PROGRESS_CALLBACK = returnsInt(JAVA_LONG, JAVA_LONG, ADDRESS);

    /** rbd_diff_iterate2's callback: {@code int (*)(uint64_t offset, size_t length, int exists, void *arg)}. */
    static final FunctionDescriptor DIFF_CALLBACK = returnsInt(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS);

    /** rbd_callback_t: {@code void (*)(rbd_completion_t completion, void *arg)}. */
    static final FunctionDescriptor COMPLETION_CALLBACK = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);

    /** A C function pointer that calls the static, package-visible method {@code target} of {@code owner}. */
    static MemorySegment callback(Class<?> owner, String target, FunctionDescriptor descriptor, Arena arena) {
        try {
            return LINKER.upcallStub(
                    MethodHandles.lookup().findStatic(owner, target, descriptor.toMethodType()), descriptor, arena);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A C function pointer that calls the package-visible method {@code target} of {@code receiver}. */
    static MemorySegment callback(Object receiver, String target, FunctionDescriptor descriptor, Arena arena) {
        try {
            MethodHandle handle = MethodHandles.lookup()
                    .findVirtual(receiver.getClass(), target, descriptor.toMethodType())
                    .bindTo(receiver);
            return LINKER.upcallStub(handle, descriptor, arena);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    // The wrappers below exist because a method handle's invokeExact needs its exact static types at every call.

    static int radosCreate2(MemorySegment cluster, MemorySegment clusterName, MemorySegment user, long flags) {
        return (int) call(() -> (int) RADOS_CREATE2.invokeExact(cluster, clusterName, user, flags));
    }

    static int radosConfReadFile(MemorySegment cluster, MemorySegment path) {
        return (int) call(() -> (int) RADOS_CONF_READ_FILE.invokeExact(cluster, path));
    }

    static int radosConfSet(MemorySegment cluster, MemorySegment option, MemorySegment value) {
        return (int) call(() -> (int) RADOS_CONF_SET.invokeExact(cluster, option, value));
    }

    static int radosConnect(MemorySegment cluster) {
        return (int) call(() -> (int) RADOS_CONNECT.invokeExact(cluster));
    }

    static int radosClusterFsid(MemorySegment cluster, MemorySegment buffer, long length) {
        return (int) call(() -> (int) RADOS_CLUSTER_FSID.invokeExact(cluster, buffer, length));
    }

    static int radosMonCommand(
            MemorySegment cluster,
            MemorySegment commands,
            long count,
            MemorySegment output,
            MemorySegment outputLength,
            MemorySegment status,
            MemorySegment statusLength) {
        return (int) call(() -> (int) RADOS_MON_COMMAND.invokeExact(
                cluster, commands, count, MemorySegment.NULL, 0L, output, outputLength, status, statusLength));
    }

    static void radosBufferFree(MemorySegment buffer) {
        call(() -> {
            RADOS_BUFFER_FREE.invokeExact(buffer);
            return 0;
        });
    }

    static void radosShutdown(MemorySegment cluster) {
        call(() -> {
            RADOS_SHUTDOWN.invokeExact(cluster);
            return 0;
        });
    }

    static int radosIoctxCreate(MemorySegment cluster, MemorySegment pool, MemorySegment ioctx) {
        return (int) call(() -> (int) RADOS_IOCTX_CREATE.invokeExact(cluster, pool, ioctx));
    }

    static void radosIoctxDestroy(MemorySegment ioctx) {
        call(() -> {
            RADOS_IOCTX_DESTROY.invokeExact(ioctx);
            return 0;
        });
    }

    static int rbdCreate2(MemorySegment ioctx, MemorySegment name, long size, long features, MemorySegment order) {
        return (int) call(() -> (int) RBD_CREATE2.invokeExact(ioctx, name, size, features, order));
    }

    static int rbdOpen(MemorySegment ioctx, MemorySegment name, MemorySegment image, MemorySegment snapshot) {
        return (int) call(() -> (int) RBD_OPEN.invokeExact(ioctx, name, image, snapshot));
    }

    static int rbdOpenReadOnly(MemorySegment ioctx, MemorySegment name, MemorySegment image, MemorySegment snapshot) {
        return (int) call(() -> (int) RBD_OPEN_READ_ONLY.invokeExact(ioctx, name, image, snapshot));
    }

    static int rbdClose(MemorySegment image) {
        return (int) call(() -> (int) RBD_CLOSE.invokeExact(image));
    }

    static int rbdGetSize(MemorySegment image, MemorySegment size) {
        return (int) call(() -> (int) RBD_GET_SIZE.invokeExact(image, size));
    }

    static int rbdStat(MemorySegment image, MemorySegment info) {
        return (int) call(() -> (int) RBD_STAT.invokeExact(image, info, IMAGE_INFO.byteSize()));
    }

    static int rbdResize(MemorySegment image, long size) {
        return (int) call(() -> (int) RBD_RESIZE.invokeExact(image, size));
    }

    static int rbdRemove(MemorySegment ioctx, MemorySegment name) {
        return (int) call(() -> (int) RBD_REMOVE.invokeExact(ioctx, name));
    }

    static int rbdRename(MemorySegment ioctx, MemorySegment from, MemorySegment to) {
        return (int) call(() -> (int) RBD_RENAME.invokeExact(ioctx, from, to));
    }

    static int rbdList2(MemorySegment ioctx, MemorySegment specs, MemorySegment count) {
        return (int) call(() -> (int) RBD_LIST2.invokeExact(ioctx, specs, count));
    }

    static void rbdImageSpecListCleanup(MemorySegment specs, long count) {
        call(() -> {
            RBD_IMAGE_SPEC_LIST_CLEANUP.invokeExact(specs, count);
            return 0;
        });
    }

    static int rbdClone2(
            MemorySegment parentIoctx,
            MemorySegment parentName,
            MemorySegment parentSnapshot,
            MemorySegment childIoctx,
            MemorySegment childName,
            long features,
            MemorySegment order) {
        return (int) call(() -> (int) RBD_CLONE2.invokeExact(
                parentIoctx, parentName, parentSnapshot, childIoctx, childName, features, order, 0L, 0));
    }

    static int rbdFlattenWithProgress(MemorySegment image, MemorySegment progress) {
        return (int) call(() -> (int) RBD_FLATTEN_WITH_PROGRESS.invokeExact(image, progress, MemorySegment.NULL));
    }

    static int rbdGetParent(MemorySegment image, MemorySegment parentImage, MemorySegment parentSnapshot) {
        return (int) call(() -> (int) RBD_GET_PARENT.invokeExact(image, parentImage, parentSnapshot));
    }

    static void rbdLinkedImageSpecCleanup(MemorySegment spec) {
        call(() -> {
            RBD_LINKED_IMAGE_SPEC_CLEANUP.invokeExact(spec);
            return 0;
        });
    }

    static void rbdSnapSpecCleanup(MemorySegment spec) {
        call(() -> {
            RBD_SNAP_SPEC_CLEANUP.invokeExact(spec);
            return 0;
        });
    }

    static int rbdListChildren3(MemorySegment image, MemorySegment specs, MemorySegment count) {
        return (int) call(() -> (int) RBD_LIST_CHILDREN3.invokeExact(image, specs, count));
    }

    static void rbdLinkedImageSpecListCleanup(MemorySegment specs, long count) {
        call(() -> {
            RBD_LINKED_IMAGE_SPEC_LIST_CLEANUP.invokeExact(specs, count);
            return 0;
        });
    }

    static int rbdDiffIterate2(
            MemorySegment image,
            MemorySegment fromSnapshot,
            long offset,
            long length,
            boolean includeParent,
            boolean wholeObject,
            MemorySegment callback) {
        byte parent = (byte) (includeParent ? 1 : 0);
        byte whole = (byte) (wholeObject ? 1 : 0);
        return (int) call(() -> (int) RBD_DIFF_ITERATE2.invokeExact(
                image, fromSnapshot, offset, length, parent, whole, callback, MemorySegment.NULL));
    }

    static int rbdSnapCreate(MemorySegment image, MemorySegment name) {
        return (int) call(() -> (int) RBD_SNAP_CREATE.invokeExact(image, name));
    }

    static int rbdSnapRemove(MemorySegment image, MemorySegment name) {
        return (int) call(() -> (int) RBD_SNAP_REMOVE.invokeExact(image, name));
    }

    static int rbdSnapProtect(MemorySegment image, MemorySegment name) {
        return (int) call(() -> (int) RBD_SNAP_PROTECT.invokeExact(image, name));
    }

    static int rbdSnapUnprotect(MemorySegment image, MemorySegment name) {
        return (int) call(() -> (int) RBD_SNAP_UNPROTECT.invokeExact(image, name));
    }

    static int rbdSnapIsProtected(MemorySegment image, MemorySegment name, MemorySegment isProtected) {
        return (int) call(() -> (int) RBD_SNAP_IS_PROTECTED.invokeExact(image, name, isProtected));
    }

    static int rbdSnapRollback(MemorySegment image, MemorySegment name) {
        return (int) call(() -> (int) RBD_SNAP_ROLLBACK.invokeExact(image, name));
    }

    static int rbdSnapList(MemorySegment image, MemorySegment infos, MemorySegment count) {
        return (int) call(() -> (int) RBD_SNAP_LIST.invokeExact(image, infos, count));
    }

    static void rbdSnapListEnd(MemorySegment infos) {
        call(() -> {
            RBD_SNAP_LIST_END.invokeExact(infos);
            return 0;
        });
    }

    static int rbdAioCreateCompletion(MemorySegment argument, MemorySegment callback, MemorySegment completion) {
        return (int) call(() -> (int) RBD_AIO_CREATE_COMPLETION.invokeExact(argument, callback, completion));
    }

    static int rbdAioRead(MemorySegment image, long offset, long length, MemorySegment buffer, MemorySegment c) {
        return (int) call(() -> (int) RBD_AIO_READ.invokeExact(image, offset, length, buffer, c));
    }

    static int rbdAioWrite(MemorySegment image, long offset, long length, MemorySegment buffer, MemorySegment c) {
        return (int) call(() -> (int) RBD_AIO_WRITE.invokeExact(image, offset, length, buffer, c));
    }

    static int rbdAioDiscard(MemorySegment image, long offset, long length, MemorySegment c) {
        return (int) call(() -> (int) RBD_AIO_DISCARD.invokeExact(image, offset, length, c));
    }

    static int rbdAioWriteZeroes(MemorySegment image, long offset, long length, MemorySegment c) {
        return (int) call(() -> (int) RBD_AIO_WRITE_ZEROES.invokeExact(image, offset, length, c, 0, 0));
    }

    static int rbdAioFlush(MemorySegment image, MemorySegment c) {
        return (int) call(() -> (int) RBD_AIO_FLUSH.invokeExact(image, c));
    }

    static long rbdAioGetReturnValue(MemorySegment completion) {
        return call(() -> (long) RBD_AIO_GET_RETURN_VALUE.invokeExact(completion));
    }

    static void rbdAioRelease(MemorySegment completion) {
        call(() -> {
            RBD_AIO_RELEASE.invokeExact(completion);
            return 0;
        });
    }

    @FunctionalInterface
    private interface NativeCall {
        long run() throws Throwable;
    }

    /** Runs a downcall; a method handle declares Throwable, but these calls throw nothing checked. */
    private static long call(NativeCall call) {
        try {
            return call.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
