package io.pgoperator.runtime.shard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Slot → member, computed alike by every replica from the members it sees: rendezvous hashing
 * with bounded load. Each slot ranks the members by {@code fnv1a64(member + "/" + slot)}; a first
 * pass gives every slot its best-ranked member that holds fewer than {@code floor(S/N)}, a second
 * gives the remaining {@code S mod N} slots their best-ranked member still at {@code floor(S/N)}.
 * So every member gets {@code floor(S/N)} or {@code ceil(S/N)} slots, and a member joining or
 * leaving moves few slots besides its own share. No central sharder: replicas whose views differ
 * for a moment disagree on balance, never on safety (ownership moves only by compare-and-swap).
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
    int floor = slots / n;
    int[] load = new int[n];
    Integer[][] ranking = new Integer[slots][];
    for (int slot = 0; slot < slots; slot++) {
      long[] scores = new long[n];
      for (int m = 0; m < n; m++) {
        scores[m] = SlotHash.fnv1a64(sorted.get(m) + "/" + slot);
      }
      Integer[] order = new Integer[n];
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, Comparator.<Integer>comparingLong(i -> scores[i]).reversed()
          .thenComparing(i -> sorted.get(i)));
      ranking[slot] = order;
    }
    for (int bound : new int[] {floor, floor + 1}) {
      for (int slot = 0; slot < slots; slot++) {
        if (owners[slot] != null) {
          continue;
        }
        for (int m : ranking[slot]) {
          if (load[m] < bound) {
            owners[slot] = sorted.get(m);
            load[m]++;
            break;
          }
        }
      }
    }
    return owners;
  }
}
