package io.heliosdb.nano.notify;

import java.util.Arrays;
import java.util.List;

/**
 * The channels one mailbox listens to: a sorted array searched by bisection. A mailbox usually has
 * a handful of channels, and a hash set costs some 40 bytes per entry (a node and its table slot)
 * against 4 here, which is most of what a LISTEN costs in memory. Guarded by the hub's lock.
 */
final class ChannelSet {
  private static final String[] EMPTY = new String[0];

  private String[] names = EMPTY;
  private int size;

  /** Adds {@code channel}; false when it was there already. */
  boolean add(String channel) {
    int at = Arrays.binarySearch(names, 0, size, channel);
    if (at >= 0) {
      return false;
    }
    int insert = -at - 1;
    if (size == names.length) {
      names = Arrays.copyOf(names, Math.max(4, size + (size >> 1)));
    }
    System.arraycopy(names, insert, names, insert + 1, size - insert);
    names[insert] = channel;
    size++;
    return true;
  }

  /** Removes {@code channel}; false when it was not there. */
  boolean remove(String channel) {
    int at = Arrays.binarySearch(names, 0, size, channel);
    if (at < 0) {
      return false;
    }
    System.arraycopy(names, at + 1, names, at, size - at - 1);
    names[--size] = null;
    if (size == 0) {
      names = EMPTY;
    }
    return true;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** A sorted copy, safe to use after the lock is released or while the set changes. */
  List<String> toList() {
    return List.of(Arrays.copyOf(names, size));
  }
}
