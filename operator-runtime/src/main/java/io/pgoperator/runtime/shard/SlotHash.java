package io.pgoperator.runtime.shard;

import io.pgoperator.runtime.reconcile.Request;
import java.nio.charset.StandardCharsets;

/**
 * Key → slot, fixed for a given slot count: FNV-1a (64 bit) of the key's {@code namespace/name},
 * scaled onto {@code [0, slots)} by its high bits, so that each slot is a contiguous range of the
 * hash space (the convention of KEP-5866's shard ranges). Children map to their owner's key before
 * they get here, so an owner and its children always share a slot.
 */
public final class SlotHash {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private SlotHash() {}

  public static int slotOf(Request key, int slots) {
    return scale(fnv1a64(key.toString()), slots);
  }

  /** {@code floor(hash × slots / 2^64)} with {@code hash} read as unsigned. */
  static int scale(long hash, int slots) {
    // multiplyHigh is signed; a negative hash (top bit set) is hash + 2^64 unsigned, which adds slots.
    return (int) (Math.multiplyHigh(hash, slots) + ((hash >> 63) & slots));
  }

  static long fnv1a64(String text) {
    long hash = FNV_OFFSET;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= FNV_PRIME;
    }
    return hash;
  }
}
