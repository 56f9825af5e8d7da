package io.pgoperator.runtime.shard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Slot → member, computed alike by every replica from the members it sees: rendezvous hashing
 * with bounded load. Each slot ranks the members by a mixed hash of {@code member + "/" + slot}
 * and goes to its first choice; then, while some member holds more than its share, the one move
 * that costs the least rank (a slot of an overloaded member to the best-ranked member still under
 * its share) is made. Shares: every member gets {@code floor(S/N)}, and the {@code S mod N}
 * members that were first choice of the most slots get one more. So the split is within one slot
 * of even, and since first choices do not depend on the other members, a member joining or
 * leaving moves its own share and few slots besides (measured in {@code SlotAssignmentTest}). No
 * central sharder: replicas whose views differ for a moment disagree on balance, never on safety
 * (ownership moves only by compare-and-swap).
 */
public final class SlotAssignment {

  private SlotAssignment() {}

  /**
   * @return for each slot the member that should own it; all null when there are no members
   */
  public static String[] assign(int slots, Collection<String> members) {
    String[] owners = new String[slots];
    if (members.isEmpty()) {
      return owners;
    }
    List<String> sorted = new ArrayList<>(new TreeSet<>(members));
    int n = sorted.size();
    int[][] ranking = new int[slots][];
    int[] owner = new int[slots];
    int[] load = new int[n];
    int[] firstChoices = new int[n];
    for (int slot = 0; slot < slots; slot++) {
      ranking[slot] = rank(sorted, slot);
      owner[slot] = ranking[slot][0];
      load[owner[slot]]++;
      firstChoices[owner[slot]]++;
    }
    int[] share = shares(sorted, slots, firstChoices);
    while (true) {
      int bestSlot = -1;
      int bestTo = -1;
      int bestCost = Integer.MAX_VALUE;
      for (int slot = 0; slot < slots; slot++) {
        if (load[owner[slot]] <= share[owner[slot]]) {
          continue;
        }
        int current = indexOf(ranking[slot], owner[slot]);
        for (int position = 0; position < n; position++) {
          int member = ranking[slot][position];
          if (load[member] < share[member]) {
            int cost = position - current;
            if (cost < bestCost) {
              bestCost = cost;
              bestSlot = slot;
              bestTo = member;
            }
            break;
          }
        }
      }
      if (bestSlot < 0) {
        break; // nobody above its share: shares add up to S, so everyone holds exactly its share
      }
      load[owner[bestSlot]]--;
      owner[bestSlot] = bestTo;
      load[bestTo]++;
    }
    for (int slot = 0; slot < slots; slot++) {
      owners[slot] = sorted.get(owner[slot]);
    }
    return owners;
  }

  /** The members (indexes into {@code sorted}) by preference for {@code slot}, best first. */
  private static int[] rank(List<String> sorted, int slot) {
    int n = sorted.size();
    long[] scores = new long[n];
    for (int m = 0; m < n; m++) {
      scores[m] = SlotHash.mix64(SlotHash.fnv1a64(sorted.get(m) + "/" + slot));
    }
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.<Integer>comparingLong(i -> scores[i]).reversed().thenComparing(i -> i));
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  /** floor(S/N) each, one more for the S mod N members first choice of the most slots (ties: name). */
  private static int[] shares(List<String> sorted, int slots, int[] firstChoices) {
    int n = sorted.size();
    int[] share = new int[n];
    Arrays.fill(share, slots / n);
    Integer[] byChoices = new Integer[n];
    Arrays.setAll(byChoices, i -> i);
    Arrays.sort(byChoices, Comparator.<Integer>comparingInt(i -> -firstChoices[i]).thenComparing(i -> i));
    for (int i = 0; i < slots % n; i++) {
      share[byChoices[i]]++;
    }
    return share;
  }

  private static int indexOf(int[] ranking, int member) {
    for (int i = 0; i < ranking.length; i++) {
      if (ranking[i] == member) {
        return i;
      }
    }
    return -1;
  }
}
