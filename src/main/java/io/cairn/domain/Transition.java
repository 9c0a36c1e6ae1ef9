package io.cairn.domain;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * One status change a request asks of a resource: the statuses it starts from, the status it sets (none when
 * the request only needs the resource to stay as it is while it works, as a new snapshot needs its volume),
 * the guards that must hold at the same time, and the work it starts. A store applies it as one conditional
 * statement; when no row changes, the request is refused.
 *
 * @param <S> the resource's status enum
 * @param <G> the resource's guard enum
 */
public record Transition<S extends Enum<S>, G extends Enum<G>>(
        String name, Set<S> from, Optional<S> to, Set<G> guards, Optional<Work> work) {
    public Transition {
        requireNonNull(name, "name is null");
        // In the enum's order: refusals list the from-statuses, and Cinder's messages list them in that order.
        from = Collections.unmodifiableSet(EnumSet.copyOf(from));
        requireNonNull(to, "to is null");
        guards = Set.copyOf(guards);
        requireNonNull(work, "work is null");
    }

    /** A change from {@code from} to {@code to} that starts no work. */
    public static <S extends Enum<S>, G extends Enum<G>> Transition<S, G> of(
            String name, Set<S> from, S to, Set<G> guards) {
        return new Transition<>(name, from, Optional.of(to), guards, Optional.empty());
    }

    /** A change from {@code from} to {@code to} that starts {@code work}. */
    public static <S extends Enum<S>, G extends Enum<G>> Transition<S, G> starting(
            String name, Set<S> from, S to, Set<G> guards, Work work) {
        return new Transition<>(name, from, Optional.of(to), guards, Optional.of(work));
    }

    /** No change: the resource must be in {@code from}, with {@code guards} holding, and stays so until the request commits. */
    public static <S extends Enum<S>, G extends Enum<G>> Transition<S, G> holding(
            String name, Set<S> from, Set<G> guards) {
        return new Transition<>(name, from, Optional.empty(), guards, Optional.empty());
    }

    /** This transition with one guard more. */
    public Transition<S, G> and(G guard) {
        Set<G> more = new HashSet<>(guards);
        more.add(guard);
        return new Transition<>(name, from, to, more, work);
    }
}
