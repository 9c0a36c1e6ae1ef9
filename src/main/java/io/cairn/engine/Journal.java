package io.cairn.engine;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The write-ahead log of volume map changes between checkpoints. A commit appends one record per changed
 * map and fsyncs; each record carries a checksum, so a record torn by a crash is recognised and dropped
 * at the next start together with everything after it (none of it was acknowledged).
 */
final class Journal implements AutoCloseable {
    private static final int MAGIC = 0x434a4e31; // "CJN1"
    private static final int HEADER_BYTES = 12;

    /** Chunk changes of one map at one log position; a slot of {@link ChunkTable#ABSENT} unmaps the index. */
    record Record(long lsn, String mapId, long[] indexes, long[] slots) {}

    private final Path file;
    private FileChannel channel;
    private long baseLsn;
    private long end;

    private Journal(Path file, FileChannel channel, long baseLsn, long end) {
        this.file = file;
        this.channel = channel;
        this.baseLsn = baseLsn;
        this.end = end;
    }

    /** Opens the journal, creating an empty one starting after {@code baseLsn} when there is none. */
    static Journal open(Path file, long baseLsn) throws IOException {
        if (!Files.exists(file)) {
            writeEmpty(file, baseLsn);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        channel.read(header, 0);
        header.flip();
        if (header.remaining() < HEADER_BYTES || header.getInt() != MAGIC) {
            channel.close();
            throw new IOException("not a Cairn journal: " + file);
        }
        return new Journal(file, channel, header.getLong(), HEADER_BYTES);
    }

    long baseLsn() {
        return baseLsn;
    }

    long sizeBytes() {
        return end;
    }

    /**
     * Reads every intact record, then cuts the file after the last one, so that later appends never follow
     * a torn record.
     */
    List<Record> replay() throws IOException {
        Scan scan = scan(channel);
        channel.truncate(scan.end());
        channel.force(true);
        end = scan.end();
        return scan.records();
    }

    /** Reads the intact records of a journal without changing it. */
    static List<Record> read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return scan(channel).records();
        }
    }

    private record Scan(List<Record> records, long end) {}

    private static Scan scan(FileChannel channel) throws IOException {
        List<Record> records = new ArrayList<>();
        long position = HEADER_BYTES;
        InputStream stream = Channels.newInputStream(channel.position(HEADER_BYTES));
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(stream, 1 << 16));
        while (true) {
            byte[] body;
            int storedCrc;
            try {
                int length = in.readInt();
                storedCrc = in.readInt();
                if (length <= 0 || length > (1 << 28)) {
                    break;
                }
                body = in.readNBytes(length);
                if (body.length != length) {
                    break;
                }
            } catch (EOFException e) {
                break;
            }
            CRC32C crc = new CRC32C();
            crc.update(body);
            if ((int) crc.getValue() != storedCrc) {
                break;
            }
            records.add(decode(body));
            position += 8 + body.length;
        }
        return new Scan(records, position);
    }

    /** Appends the records and makes them durable before returning. */
    void append(List<Record> records) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (Record record : records) {
            byte[] body = encode(record);
            CRC32C crc = new CRC32C();
            crc.update(body);
            out.writeInt(body.length);
            out.writeInt((int) crc.getValue());
            out.write(body);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
        while (buffer.hasRemaining()) {
            end += channel.write(buffer, end);
        }
        channel.force(false);
    }

    /** Starts an empty journal after {@code newBaseLsn}, once every change in the old one is in map files. */
    void reset(long newBaseLsn) throws IOException {
        channel.close();
        writeEmpty(file, newBaseLsn);
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        baseLsn = newBaseLsn;
        end = HEADER_BYTES;
    }

    private static void writeEmpty(Path file, long baseLsn) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(
                aside, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.allocate(HEADER_BYTES)
                    .putInt(MAGIC)
                    .putLong(baseLsn)
                    .flip());
            out.force(true);
        }
        Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MapFile.syncDirectory(file.getParent());
    }

    private static byte[] encode(Record record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + record.indexes().length * 16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(record.lsn());
            out.writeUTF(record.mapId());
            out.writeInt(record.indexes().length);
            for (int i = 0; i < record.indexes().length; i++) {
                out.writeLong(record.indexes()[i]);
                out.writeLong(record.slots()[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array never fails
        }
        return bytes.toByteArray();
    }

    private static Record decode(byte[] body) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body));
        long lsn = in.readLong();
        String mapId = in.readUTF();
        int count = in.readInt();
        long[] indexes = new long[count];
        long[] slots = new long[count];
        for (int i = 0; i < count; i++) {
            indexes[i] = in.readLong();
            slots[i] = in.readLong();
        }
        return new Record(lsn, mapId, indexes, slots);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
