package io.cairn.service;

import java.util.List;
import java.util.OptionalInt;

/**
 * One page of a list: its items, the total before paging when the client asked for it, and the
 * effective (clamped) limit, which decides whether the page gets a next link.
 */
public record Page<T>(List<T> items, OptionalInt count, int limit) {
    public Page {
        items = List.copyOf(items);
    }
}
