package io.cairn.engine.rbd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One gate per volume on this node's data path: every write, write-zeroes and discard a device of the volume
 * serves holds the gate shared while librbd runs it; an operation across several volumes (a group snapshot, a group
 * revert) closes the gates of all of them, which waits for the writes in flight and holds back new ones (on devices
 * open now or opened meanwhile) until it ends. Only writes that come through Cairn are held: a host that reaches the
 * image directly through librbd is not.
 */
final class WriteGates {
    /** The work done with every gate of a set of volumes closed. */
    @FunctionalInterface
    interface Closed {
        void run() throws IOException;
    }

    private final Map<String, ReadWriteLock> gates = new ConcurrentHashMap<>();

    /** The volume's gate, which its devices hold shared around each write. */
    ReadWriteLock gate(String volumeId) {
        return gates.computeIfAbsent(volumeId, id -> new ReentrantReadWriteLock());
    }

    /** Runs {@code work} with the gates of every volume closed, taken in id order so two such operations cannot deadlock. */
    void withClosed(Collection<String> volumeIds, Closed work) throws IOException {
        List<Lock> held = new ArrayList<>();
        try {
            for (String volumeId : new TreeSet<>(volumeIds)) {
                Lock lock = gate(volumeId).writeLock();
                lock.lock();
                held.add(lock);
            }
            work.run();
        } finally {
            held.reversed().forEach(Lock::unlock);
        }
    }
}
