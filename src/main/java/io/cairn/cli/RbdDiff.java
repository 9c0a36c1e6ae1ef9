package io.cairn.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Ceph's {@code rbd diff v1} stream (doc/dev/rbd-diff.rst), what {@code rbd export-diff} writes and
 * {@code rbd import-diff} and {@code rbd merge-diff} read: the banner {@code "rbd diff v1\n"}, metadata records
 * ({@code f} and {@code t}, the from and to snapshot names as a le32 length and the bytes; {@code s}, the image size as
 * le64), then data records ({@code w}: le64 offset, le64 length, the bytes; {@code z}: le64 offset, le64 length, read as
 * zeros), then {@code e}.
 */
final class RbdDiff {
    static final byte[] BANNER = "rbd diff v1\n".getBytes(StandardCharsets.US_ASCII);
    /** The longest snapshot name read; Cairn's are UUIDs, Ceph's are short too. */
    private static final int MAX_NAME = 4096;

    private RbdDiff() {}

    /** A stream that is not a well-formed rbd diff v1 stream. */
    static final class FormatException extends IOException {
        FormatException(String message) {
            super(message);
        }
    }

    /**
     * Writes a stream: the header first, then records in ascending offsets, then {@link #end}. Zero ranges that
     * touch are merged into one record.
     */
    static final class Writer {
        private final OutputStream out;
        private final ByteBuffer scratch = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN);
        private long zeroOffset;
        private long zeroLength;

        Writer(OutputStream out, String fromSnapshot, String toSnapshot, long size) throws IOException {
            this.out = out;
            out.write(BANNER);
            name('f', fromSnapshot);
            name('t', toSnapshot);
            scratch.clear().put((byte) 's').putLong(size);
            flushScratch();
        }

        void data(long offset, byte[] data, int length) throws IOException {
            flushZeros();
            range('w', offset, length);
            out.write(data, 0, length);
        }

        void zero(long offset, long length) throws IOException {
            if (zeroLength > 0 && zeroOffset + zeroLength == offset) {
                zeroLength += length;
                return;
            }
            flushZeros();
            zeroOffset = offset;
            zeroLength = length;
        }

        void end() throws IOException {
            flushZeros();
            out.write('e');
            out.flush();
        }

        private void flushZeros() throws IOException {
            if (zeroLength > 0) {
                range('z', zeroOffset, zeroLength);
                zeroLength = 0;
            }
        }

        private void name(char tag, String name) throws IOException {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            scratch.clear().put((byte) tag).putInt(bytes.length);
            flushScratch();
            out.write(bytes);
        }

        private void range(char tag, long offset, long length) throws IOException {
            scratch.clear().put((byte) tag).putLong(offset).putLong(length);
            flushScratch();
        }

        private void flushScratch() throws IOException {
            out.write(scratch.array(), 0, scratch.position());
        }
    }

    /** The metadata records: the snapshot names and the image size, each when the stream has it. */
    record Header(Optional<String> fromSnapshot, Optional<String> toSnapshot, OptionalLong size) {}

    /** What a reader does with the records, in the stream's order. */
    interface Visitor {
        /** Called once, before the first data record. */
        void header(Header header) throws IOException;

        /** {@code length} bytes from {@code offset}; reads exactly them from {@code data}. */
        void data(long offset, long length, InputStream data) throws IOException;

        void zero(long offset, long length) throws IOException;
    }

    /**
     * Reads a whole stream, end record included.
     *
     * @throws FormatException for a wrong banner, an unknown record, a metadata record after the data, a negative
     *     offset or length, or a stream that ends before its end record
     */
    static void read(InputStream in, Visitor visitor) throws IOException {
        byte[] banner = in.readNBytes(BANNER.length);
        if (!Arrays.equals(banner, BANNER)) {
            throw new FormatException("not an rbd diff v1 stream: it does not begin with \"rbd diff v1\\n\"");
        }
        Optional<String> from = Optional.empty();
        Optional<String> to = Optional.empty();
        OptionalLong size = OptionalLong.empty();
        boolean inData = false;
        long position = BANNER.length;
        while (true) {
            int tag = in.read();
            if (tag < 0) {
                throw new FormatException("the rbd diff stream ends at byte " + position + " before its end record");
            }
            position++;
            try {
                switch (tag) {
                    case 'f', 't', 's' -> {
                        if (inData) {
                            throw new FormatException("metadata record '" + (char) tag + "' at byte " + (position - 1)
                                    + " after the data records");
                        }
                        if (tag == 's') {
                            size = OptionalLong.of(unsigned(le64(in), "size", position));
                            position += 8;
                        } else {
                            int length = le32(in);
                            if (length < 0 || length > MAX_NAME) {
                                throw new FormatException("a snapshot name of " + Integer.toUnsignedString(length)
                                        + " bytes at byte " + position);
                            }
                            String name = new String(exactly(in, length), StandardCharsets.UTF_8);
                            position += 4 + length;
                            if (tag == 'f') {
                                from = Optional.of(name);
                            } else {
                                to = Optional.of(name);
                            }
                        }
                    }
                    case 'w', 'z' -> {
                        if (!inData) {
                            visitor.header(new Header(from, to, size));
                            inData = true;
                        }
                        long offset = unsigned(le64(in), "offset", position);
                        long length = unsigned(le64(in), "length", position);
                        position += 16;
                        if (tag == 'w') {
                            visitor.data(offset, length, in);
                            position += length;
                        } else {
                            visitor.zero(offset, length);
                        }
                    }
                    case 'e' -> {
                        if (!inData) {
                            visitor.header(new Header(from, to, size));
                        }
                        return;
                    }
                    default ->
                        throw new FormatException("unknown record '" + (char) tag + "' (" + tag + ") at byte "
                                + (position - 1) + " of the rbd diff stream");
                }
            } catch (EOFException e) {
                throw new FormatException("the rbd diff stream ends inside the record at byte " + (position - 1));
            }
        }
    }

    private static long unsigned(long value, String what, long position) throws FormatException {
        if (value < 0) {
            throw new FormatException("a " + what + " beyond 2^63 at byte " + position + " of the rbd diff stream");
        }
        return value;
    }

    private static long le64(InputStream in) throws IOException {
        return ByteBuffer.wrap(exactly(in, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static int le32(InputStream in) throws IOException {
        return ByteBuffer.wrap(exactly(in, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException();
        }
        return bytes;
    }
}
