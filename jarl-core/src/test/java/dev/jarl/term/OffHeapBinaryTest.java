/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Off-heap binaries ({@link Binary#offHeap}, {@link Binary#toOffHeap}, {@link Binary#wrap} of a
 * direct buffer) are the same terms as heap ones with the same bytes: equal, same hash, same
 * order, same printing, same encoding; only where the bytes live differs.
 */
class OffHeapBinaryTest {

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** Sizes around the encoder's reference threshold, a fragment's size and odd ones. */
    static final List<Integer> SIZES = List.of(1, 7, 8191, 8192, 8193, 65_535, 65_536, 65_537, 200_003);

    @Test
    void offHeapBinaryIsTheSameTermAsTheHeapOne() {
        for (int n : SIZES) {
            byte[] b = bytes(n, n);
            Binary heap = Binary.of(b);
            Binary off = Binary.offHeap(b);
            assertTrue(off.isOffHeap());
            assertFalse(heap.isOffHeap());
            assertEquals(heap, off, "size " + n);
            assertEquals(off, heap, "size " + n);
            assertEquals(heap.hashCode(), off.hashCode(), "size " + n);
            assertEquals(0, heap.compareTo(off), "size " + n);
            assertEquals(heap.toString(), off.toString(), "size " + n);
            assertEquals(ElixirFormat.inspect(heap), ElixirFormat.inspect(off), "size " + n);
            assertEquals(heap.utf8(), off.utf8(), "size " + n);
            assertArrayEquals(b, off.bytes(), "size " + n);
            assertEquals(b[n - 1], off.byteAt(n - 1));
            assertArrayEquals(Etf.encode(heap), Etf.encode(off), "size " + n);
            assertEquals(heap, Etf.decode(Etf.encode(Tuple.of(Atom.of("x"), off))) instanceof Tuple t ? t.get(1) : null);
        }
    }

    @Test
    void offHeapBinaryOrdersAndDiffersByItsBytes() {
        Binary a = Binary.offHeap(new byte[] {1, 2, 3});
        Binary b = Binary.of(new byte[] {1, 2, 4});
        assertNotEquals(a, b);
        assertTrue(a.compareTo(b) < 0);
        assertTrue(b.compareTo(a) > 0);
        assertTrue(Binary.offHeap(new byte[] {1, 2}).compareTo(a) < 0, "a prefix is smaller");
        assertNotEquals(Binary.offHeap(new byte[] {1, 2}), a);
    }

    @Test
    void readersCopyOutAndCheckBounds() throws Exception {
        byte[] b = bytes(70_001, 3);
        Binary off = Binary.offHeap(b);
        byte[] target = new byte[b.length + 4];
        off.copyTo(target, 2);
        assertArrayEquals(b, java.util.Arrays.copyOfRange(target, 2, 2 + b.length));
        assertThrows(IndexOutOfBoundsException.class, () -> off.copyTo(new byte[10], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> off.byteAt(b.length));
        assertThrows(IndexOutOfBoundsException.class, () -> off.byteAt(-1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        off.writeTo(out);
        assertArrayEquals(b, out.toByteArray(), "writeTo in chunks");
        ByteBuffer view = off.asByteBuffer();
        assertTrue(view.isDirect());
        assertTrue(view.isReadOnly());
        assertEquals(b.length, view.remaining());
        assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 1));
        off.bytes()[0] = 99;
        assertEquals(b[0], off.byteAt(0), "bytes() is a copy");
    }

    @Test
    void toOffHeapCopiesOnceAndKeepsWhatIsOffHeapAlready() {
        byte[] b = bytes(9000, 1);
        Binary heap = Binary.of(b);
        Binary off = heap.toOffHeap();
        assertTrue(off.isOffHeap());
        assertEquals(heap, off);
        assertSame(off, off.toOffHeap());
        assertSame(Binary.EMPTY, Binary.EMPTY.toOffHeap());
        assertSame(Binary.EMPTY, Binary.offHeap(new byte[0]));
        b[0] = 42;
        assertNotEquals(42, off.byteAt(0), "offHeap(byte[]) copied its argument");
    }

    @Test
    void wrapTakesTheRemainingBytesWithoutCopyingThem() {
        ByteBuffer direct = ByteBuffer.allocateDirect(100);
        for (int i = 0; i < 100; i++) {
            direct.put(i, (byte) i);
        }
        direct.position(10).limit(90);
        Binary off = Binary.wrap(direct);
        assertTrue(off.isOffHeap());
        assertEquals(80, off.size());
        assertEquals(10, off.byteAt(0));
        assertEquals(10, direct.position(), "the buffer's position is left alone");
        assertEquals(90, direct.limit());
        direct.put(10, (byte) -1);
        assertEquals(-1, off.byteAt(0), "a view, not a copy: the caller promised not to do this");

        byte[] array = bytes(50, 2);
        Binary heap = Binary.wrap(ByteBuffer.wrap(array, 5, 40));
        assertFalse(heap.isOffHeap());
        assertEquals(Binary.of(array, 5, 40), heap);
        array[5] = 0x7f;
        assertEquals(0x7f, heap.byteAt(0), "a heap buffer's array is shared too");

        Binary readOnly = Binary.wrap(ByteBuffer.wrap(array).asReadOnlyBuffer());
        assertEquals(Binary.of(array), readOnly, "a read-only heap buffer hides its array: copied");
        assertSame(Binary.EMPTY, Binary.wrap(ByteBuffer.allocateDirect(0)));
    }
}
