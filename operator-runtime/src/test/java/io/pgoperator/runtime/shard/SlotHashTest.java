package io.pgoperator.runtime.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.reconcile.Request;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SlotHashTest {

  @Test
  void keysThatDifferOnlyInTheirLastCharactersSpreadOverTheSlots() {
    Set<Integer> slots = new TreeSet<>();
    for (int i = 0; i < 30; i++) {
      slots.add(SlotHash.slotOf(new Request("shard-split", String.format("db-%02d", i)), 16));
    }
    // 30 keys in 16 slots: a uniform hash fills about 14 of them; plain FNV-1a filled one.
    assertThat(slots).hasSizeGreaterThanOrEqualTo(10);
  }

  @Test
  void everySlotIsInRangeAndTheSameKeyAlwaysMapsToTheSameSlot() {
    for (int i = 0; i < 1000; i++) {
      Request key = new Request("ns", "pg-" + i);
      int slot = SlotHash.slotOf(key, 7);
      assertThat(slot).isBetween(0, 6).isEqualTo(SlotHash.slotOf(new Request("ns", "pg-" + i), 7));
    }
  }

  @Test
  void everyKeyLandsInRangeForEverySlotCount() {
    Random random = new Random(7);
    for (int slots = 1; slots <= ShardingConfig.MAX_SLOTS; slots++) {
      for (int i = 0; i < 200; i++) {
        Request key = new Request("ns-" + random.nextInt(50), "cluster-" + Long.toHexString(random.nextLong()));
        assertThat(SlotHash.slotOf(key, slots)).as("%s of %d", key, slots).isBetween(0, slots - 1);
      }
    }
  }

  @Test
  void scaleCoversTheExtremesOfTheUnsignedHashSpace() {
    assertThat(SlotHash.scale(0L, 16)).isZero();
    assertThat(SlotHash.scale(-1L, 16)).as("2^64 - 1").isEqualTo(15);
    assertThat(SlotHash.scale(Long.MAX_VALUE, 16)).as("just below half").isEqualTo(7);
    assertThat(SlotHash.scale(Long.MIN_VALUE, 16)).as("exactly half").isEqualTo(8);
  }

  @Test
  void knownKeysKeepTheirSlots() {
    // Pinned: a change here moves every key to another replica on upgrade.
    assertThat(SlotHash.fnv1a64("")).isEqualTo(0xcbf29ce484222325L);
    assertThat(SlotHash.fnv1a64("a")).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(SlotHash.slotOf(new Request("default", "pg-main"), 16)).isEqualTo(KNOWN_MAIN);
    assertThat(SlotHash.slotOf(new Request("prod", "orders"), 16)).isEqualTo(KNOWN_ORDERS);
    assertThat(SlotHash.slotOf(new Request("", "cluster-scoped"), 16)).isEqualTo(KNOWN_CLUSTER);
  }

  @Test
  void randomKeysSpreadEvenly() {
    Random random = new Random(11);
    int[] counts = new int[16];
    for (int i = 0; i < 16_000; i++) {
      counts[SlotHash.slotOf(new Request("ns-" + random.nextInt(20), "db-" + Long.toString(random.nextLong(), 36)),
          16)]++;
    }
    for (int count : counts) {
      assertThat(count).isBetween(880, 1120);
    }
  }

  /**
   * Plain FNV-1a mixes a key's last bytes poorly into the high bits that pick the slot: names that
   * differ only in a trailing counter clumped (700..1300 per slot for db-0..db-15999). The final
   * mix (fmix64) spreads them as evenly as random names.
   */
  @Test
  void sequentialNamesSpreadAsEvenlyAsRandomOnes() {
    int[] counts = new int[16];
    for (int i = 0; i < 16_000; i++) {
      counts[SlotHash.slotOf(new Request("ns", "db-" + i), 16)]++;
    }
    for (int count : counts) {
      assertThat(count).isBetween(880, 1120);
    }
  }

  private static final int KNOWN_MAIN = 3;
  private static final int KNOWN_ORDERS = 11;
  private static final int KNOWN_CLUSTER = 5;
}
