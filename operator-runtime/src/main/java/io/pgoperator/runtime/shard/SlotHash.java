package io.pgoperator.runtime.shard;

import io.pgoperator.runtime.reconcile.Request;
import java.nio.charset.StandardCharsets;

/**
 * Key → slot, fixed for a given slot count: FNV-1a (64 bit) of the key's {@code namespace/name},
 * finished with MurmurHash3's 64-bit mixer, scaled onto {@code [0, slots)} by its high bits, so
 * that each slot is a contiguous range of the hash space (the convention of KEP-5866's shard
 * ranges). The mixer matters: FNV-1a's last bytes reach its high bits only through carries, so
 * without it keys that differ in their tail ({@code db-00 .. db-29}) all land in one slot. Children map to their owner's key before
 * they get here, so an owner and its children always share a slot.
 */
public final class SlotHash {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private SlotHash() {}

  public static int slotOf(Request key, int slots) {
    return scale(mix64(fnv1a64(key.toString())), slots);
  }

  /** MurmurHash3's fmix64: a bijection in which every input bit reaches every output bit. */
  static long mix64(long hash) {
    hash ^= hash >>> 33;
    hash *= 0xff51afd7ed558ccdL;
    hash ^= hash >>> 33;
    hash *= 0xc4ceb9fe1a85ec53L;
    hash ^= hash >>> 33;
    return hash;
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
