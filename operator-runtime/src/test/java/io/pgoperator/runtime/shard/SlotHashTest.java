package io.pgoperator.runtime.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgoperator.runtime.reconcile.Request;
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
}
