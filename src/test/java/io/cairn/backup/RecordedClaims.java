package io.cairn.backup;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/** The caller's side of {@link ChunkClaims} as a test sees it: every hash claimed, and a call that fails, if asked. */
final class RecordedClaims implements ChunkClaims {
    private final Set<String> claimed = new LinkedHashSet<>();
    private final int failingCall;
    private int calls;

    private RecordedClaims(int failingCall) {
        this.failingCall = failingCall;
    }

    static RecordedClaims recording() {
        return new RecordedClaims(Integer.MAX_VALUE);
    }

    /** Claims that fail on call {@code call} (counted from 1), as a database that went away would. */
    static RecordedClaims failingOnCall(int call) {
        return new RecordedClaims(call);
    }

    @Override
    public synchronized void claim(Collection<String> hashes) throws IOException {
        if (++calls == failingCall) {
            throw new IOException("the claims could not be recorded");
        }
        claimed.addAll(hashes);
    }

    synchronized Set<String> claimed() {
        return Set.copyOf(claimed);
    }
}
