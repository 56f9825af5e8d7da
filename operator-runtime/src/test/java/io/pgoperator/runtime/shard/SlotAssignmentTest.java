package io.pgoperator.runtime.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SlotAssignmentTest {

  private static final int SLOTS = 16;
  private static final int SETS = 300;

  @Test
  void noMembersNoOwners() {
    assertThat(SlotAssignment.assign(SLOTS, List.of())).containsOnlyNulls().hasSize(SLOTS);
  }

  @Test
  void everyMemberGetsFloorOrCeilOfItsShare() {
    Random random = new Random(1);
    for (int n = 1; n <= 20; n++) {
      for (int set = 0; set < SETS; set++) {
        List<String> members = members(random, n);
        String[] owners = SlotAssignment.assign(SLOTS, members);
        Map<String, Integer> load = load(owners);
        assertThat(owners).as("%s", members).doesNotContainNull();
        assertThat(members).containsAll(load.keySet());
        int floor = SLOTS / n;
        int ceil = (SLOTS + n - 1) / n;
        for (String member : members) {
          assertThat(load.getOrDefault(member, 0)).as("%s among %s", member, members).isBetween(floor, ceil);
        }
      }
    }
  }

  @Test
  void theSameMembersInAnyOrderGiveTheSameAssignment() {
    Random random = new Random(2);
    for (int n = 1; n <= 20; n++) {
      List<String> members = members(random, n);
      String[] expected = SlotAssignment.assign(SLOTS, members);
      for (int i = 0; i < 10; i++) {
        List<String> shuffled = new ArrayList<>(members);
        Collections.shuffle(shuffled, random);
        assertThat(SlotAssignment.assign(SLOTS, shuffled)).isEqualTo(expected);
        assertThat(SlotAssignment.assign(SLOTS, new TreeSet<>(shuffled))).isEqualTo(expected);
      }
    }
  }

  /**
   * A joiner takes its own share (floor or ceil of S/(N+1)) and few other slots move: first choices
   * do not depend on the other members, only the balancing moves do. Measured here (S=16, 300
   * random sets per N, slots moved between old members): mean 1.0 (N=2) to 2.4 (N=16), worst 5 or
   * 6 for small rings and 11 at most up to N=20. (The first version, greedy bounded-load passes in slot
   * order over unmixed FNV-1a scores, cascaded: mean 7.4 at N=5, 11.6 at N=8, worst 15.)
   */
  @Test
  void oneMemberJoiningMovesItsShareAndFewOtherSlots() {
    Random random = new Random(3);
    for (int n = 1; n <= 20; n++) {
      double extraMoves = 0;
      for (int set = 0; set < SETS; set++) {
        List<String> members = members(random, n);
        String[] before = SlotAssignment.assign(SLOTS, members);
        List<String> joined = new ArrayList<>(members);
        String joiner = "joiner-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        joined.add(joiner);
        String[] after = SlotAssignment.assign(SLOTS, joined);
        int moved = 0;
        int toJoiner = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
          if (!before[slot].equals(after[slot])) {
            moved++;
            toJoiner += after[slot].equals(joiner) ? 1 : 0;
          }
        }
        int share = (SLOTS + n) / (n + 1);
        assertThat(toJoiner).as("the joiner's share").isBetween(SLOTS / (n + 1), share);
        assertThat(moved - toJoiner).as("%s joining %s", joiner, members).isLessThanOrEqualTo(12);
        extraMoves += moved - toJoiner;
      }
      assertThat(extraMoves / SETS).as("mean extra moves, N=%d", n).isLessThanOrEqualTo(3.0);
    }
  }

  private static List<String> members(Random random, int n) {
    TreeSet<String> names = new TreeSet<>();
    while (names.size() < n) {
      names.add("operator-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36).substring(0, 6) + "-"
          + Long.toString(random.nextInt(1 << 25), 36));
    }
    List<String> list = new ArrayList<>(names);
    Collections.shuffle(list, random);
    return list;
  }

  private static Map<String, Integer> load(String[] owners) {
    Map<String, Integer> load = new HashMap<>();
    for (String owner : owners) {
      load.merge(owner, 1, Integer::sum);
    }
    return load;
  }
}
