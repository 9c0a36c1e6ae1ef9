package io.cairn.http;

import static java.util.Objects.requireNonNull;

import io.cairn.domain.RowVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.JacksonSerializable;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.jsontype.TypeSerializer;

/**
 * The JSON bytes of resource views, each rendered once per (row id, row version, variant) and reused until the
 * row's version changes. A variant is whatever else changes the bytes: the view (summary, detail), the
 * microversion range, the caller's roles, the dialect, a link's base URL.
 *
 * <p>A row's version changes on every write to it (the database's triggers), on every node alike, so an entry
 * for an old version is never found again: nothing expires by time, and no node needs to tell another.
 *
 * <p>The bytes live off the heap (the launcher's heap is 128 MiB), in a ring of {@code capacity} bytes taken in
 * blocks as it first fills: a new entry goes after the newest and overwrites the oldest. The index (on the heap,
 * about 120 bytes per entry, see BENCHMARKS.md) forgets each entry its bytes overwrite. Writers take a lock;
 * readers take none: a reader copies the bytes out, then checks that no writer has since reached them, as a
 * sequence lock does, and treats an entry overwritten meanwhile as missing.
 */
public final class RenderedViewCache {
    /** What besides the row decides a view's bytes. Equal names are the same variant. */
    public record Variant(String name) {
        public Variant {
            requireNonNull(name, "name is null");
        }
    }

    private static final int BLOCK_BYTES = 1 << 20;

    /**
     * A row id and a variant. The index is the cache's only heap cost, so a UUID id (every id Cairn makes) is
     * kept as its two halves rather than as text; any other id is kept as it is.
     */
    private record Key(long high, long low, String other, Variant variant) {
        /** Each ASCII character's value as a lower-case hex digit, -1 for any other character. */
        private static final byte[] HEX_DIGIT = new byte[128];

        static {
            java.util.Arrays.fill(HEX_DIGIT, (byte) -1);
            for (int d = 0; d < 16; d++) {
                HEX_DIGIT["0123456789abcdef".charAt(d)] = (byte) d;
            }
        }

        /**
         * The key of an id spelled as 8-4-4-4-12 lower-case hex digits (the one spelling whose halves name no other
         * id) is its two halves, read in the same pass that checks the spelling: a list page makes one per row.
         */
        static Key of(String id, Variant variant) {
            if (id.length() != 36) {
                return new Key(0, 0, id, variant);
            }
            long high = 0;
            long low = 0;
            for (int i = 0; i < 36; i++) {
                char c = id.charAt(i);
                if (i == 8 || i == 13 || i == 18 || i == 23) {
                    if (c != '-') {
                        return new Key(0, 0, id, variant);
                    }
                    continue;
                }
                int digit = c < 128 ? HEX_DIGIT[c] : -1;
                if (digit < 0) {
                    return new Key(0, 0, id, variant);
                }
                if (i < 18) {
                    high = high << 4 | digit;
                } else {
                    low = low << 4 | digit;
                }
            }
            return new Key(high, low, null, variant);
        }
    }

    /** An entry: its key, its row version, and where its bytes start in the ring's endless address space. */
    private record Slot(Key key, long version, long start, int length) {}

    private final long capacity;
    private final MemorySegment[] blocks;
    private final Arena arena = Arena.ofAuto();
    private final Map<Key, Slot> index = new ConcurrentHashMap<>();
    /** Entries in the order written, oldest first: the next ones a write overwrites. Guarded by {@code this}. */
    private final ArrayDeque<Slot> order = new ArrayDeque<>();
    /** Where the next entry starts: every byte below it has been handed to a writer. */
    private volatile long head;

    /** @param capacity the bytes the views may take; 0 keeps nothing (every view is rendered every time) */
    public RenderedViewCache(long capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.capacity = capacity;
        this.blocks = new MemorySegment[Math.toIntExact((capacity + BLOCK_BYTES - 1) / BLOCK_BYTES)];
    }

    /** The bytes kept for this version of the row in this variant, or null. */
    public byte[] get(String id, long version, Variant variant) {
        Slot slot = index.get(Key.of(id, variant));
        if (slot == null || slot.version() != version) {
            return null;
        }
        byte[] bytes = new byte[slot.length()];
        copy(slot.start(), bytes, false);
        // The copy's reads come before the check's: a writer that took these bytes before the check is seen.
        VarHandle.acquireFence();
        return head - slot.start() <= capacity ? bytes : null;
    }

    /** Keeps the bytes of this version of the row in this variant, overwriting the oldest entries as needed. */
    public synchronized void put(String id, long version, Variant variant, byte[] bytes) {
        if (bytes.length == 0 || bytes.length > capacity) {
            return;
        }
        long start = head;
        long end = start + bytes.length;
        head = end;
        // Readers of the bytes about to be overwritten see the new head before the bytes change (see get).
        VarHandle.releaseFence();
        while (!order.isEmpty() && order.peekFirst().start() < end - capacity) {
            Slot oldest = order.pollFirst();
            index.remove(oldest.key(), oldest);
        }
        copy(start, bytes, true);
        Key key = Key.of(id, variant);
        Slot slot = new Slot(key, version, start, bytes.length);
        order.addLast(slot);
        index.put(key, slot);
    }

    /** How many entries the index holds. */
    public int size() {
        return index.size();
    }

    /** Copies between the ring, from the absolute position {@code start} on, and {@code bytes}, block by block. */
    private void copy(long start, byte[] bytes, boolean intoRing) {
        int done = 0;
        while (done < bytes.length) {
            long offset = (start + done) % capacity;
            int block = (int) (offset / BLOCK_BYTES);
            long within = offset % BLOCK_BYTES;
            long blockEnd = Math.min(BLOCK_BYTES, capacity - (long) block * BLOCK_BYTES);
            int length = (int) Math.min(bytes.length - done, blockEnd - within);
            if (intoRing) {
                MemorySegment.copy(bytes, done, block(block), ValueLayout.JAVA_BYTE, within, length);
            } else {
                MemorySegment.copy(blocks[block], ValueLayout.JAVA_BYTE, within, bytes, done, length);
            }
            done += length;
        }
    }

    /** The ring's block, taken when the ring first reaches it (so memory is used as entries arrive). */
    private MemorySegment block(int block) {
        if (blocks[block] == null) {
            blocks[block] = arena.allocate(Math.min(BLOCK_BYTES, capacity - (long) block * BLOCK_BYTES));
        }
        return blocks[block];
    }

    /**
     * The views of a page's rows in the page's order: those kept are reused, the rest loaded in one call, rendered
     * and kept. A row {@code load} no longer finds (deleted since the page was read) is left out. A loaded row
     * may be newer than the page read it: its view is the newer one, kept under its own version.
     */
    public <T> List<Raw> page(
            List<RowVersion> rows,
            Variant variant,
            Function<Collection<String>, List<T>> load,
            Function<T, String> id,
            ToLongFunction<T> version,
            Function<T, byte[]> render) {
        List<byte[]> views = new ArrayList<>(rows.size());
        List<String> missing = new ArrayList<>();
        for (RowVersion row : rows) {
            byte[] kept = get(row.id(), row.version(), variant);
            views.add(kept);
            if (kept == null) {
                missing.add(row.id());
            }
        }
        if (!missing.isEmpty()) {
            Map<String, byte[]> rendered = new HashMap<>();
            for (T item : load.apply(missing)) {
                byte[] bytes = render.apply(item);
                put(id.apply(item), version.applyAsLong(item), variant, bytes);
                rendered.put(id.apply(item), bytes);
            }
            for (int i = 0; i < rows.size(); i++) {
                if (views.get(i) == null) {
                    views.set(i, rendered.get(rows.get(i).id()));
                }
            }
        }
        List<Raw> page = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (views.get(i) != null) {
                page.add(new Raw(rows.get(i).id(), views.get(i)));
            }
        }
        return page;
    }

    /** The view of one item, kept or rendered and kept. */
    public <T> Raw one(T item, String id, long version, Variant variant, Function<T, byte[]> render) {
        byte[] kept = get(id, version, variant);
        if (kept == null) {
            kept = render.apply(item);
            put(id, version, variant, kept);
        }
        return new Raw(id, kept);
    }

    /** A rendered view of the row {@code id}, written into a response as the JSON value it already is. */
    public static final class Raw implements JacksonSerializable {
        private final String id;
        private final byte[] json;

        Raw(String id, byte[] json) {
            this.id = id;
            this.json = json;
        }

        public String id() {
            return id;
        }

        @Override
        public void serialize(JsonGenerator generator, SerializationContext context) {
            generator.writeRawValue(new RawBytes(json));
        }

        @Override
        public void serializeWithType(JsonGenerator generator, SerializationContext context, TypeSerializer types) {
            serialize(generator, context); // views are never written with type information
        }
    }

    /**
     * UTF-8 JSON handed to the generator as it is: Jackson's byte generator copies a serializable string's
     * unquoted bytes straight into its buffer. A character generator (a body written as a string) gets them
     * decoded; the quoted forms are never asked of a raw value and are given as a plain string's.
     */
    private static final class RawBytes implements SerializableString {
        private final byte[] utf8;

        RawBytes(byte[] utf8) {
            this.utf8 = utf8;
        }

        @Override
        public String getValue() {
            return new String(utf8, StandardCharsets.UTF_8);
        }

        private SerializableString text() {
            return new SerializedString(getValue());
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public char[] asQuotedChars() {
            return text().asQuotedChars();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return utf8;
        }

        @Override
        public byte[] asQuotedUTF8() {
            return text().asQuotedUTF8();
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            return text().appendQuotedUTF8(buffer, offset);
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            return text().appendQuoted(buffer, offset);
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + utf8.length > buffer.length) {
                return -1;
            }
            System.arraycopy(utf8, 0, buffer, offset, utf8.length);
            return utf8.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            return text().appendUnquoted(buffer, offset);
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) throws IOException {
            return text().writeQuotedUTF8(out);
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            out.write(utf8);
            return utf8.length;
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
            return text().putQuotedUTF8(buffer);
        }

        @Override
        public int putUnquotedUTF8(ByteBuffer buffer) {
            if (buffer.remaining() < utf8.length) {
                return -1;
            }
            buffer.put(utf8);
            return utf8.length;
        }
    }
}
