package io.pgoperator.runtime.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalValuesTest {

  private final CanonicalValues table = new CanonicalValues(4);

  @Test
  void anEqualValueGetsTheOneAlreadyThere() {
    List<String> first = List.of("a", "b");
    List<String> second = List.of(new String("a"), new String("b"));

    assertThat(table.canonical(first, Shapes.LIST)).isSameAs(first);
    assertThat(table.canonical(second, Shapes.LIST)).isSameAs(first);
  }

  @Test
  void aDifferentValueIsKeptAndTakesTheSlot() {
    List<String> first = List.of("a", "b");
    List<String> other = List.of("a", "c");

    table.canonical(first, Shapes.LIST);
    assertThat(table.canonical(other, Shapes.LIST)).isSameAs(other);
  }

  @Test
  void partsAreComparedByIdentityOnceCanonical() {
    List<Object> inner = new ArrayList<>(List.of("x"));
    List<Object> equalInner = new ArrayList<>(List.of("x"));
    List<List<Object>> first = List.of(inner);
    List<List<Object>> second = List.of(equalInner);

    table.canonical(first, Shapes.LIST);
    assertThat(table.canonical(second, Shapes.LIST)).as("equal parts, but distinct objects").isSameAs(second);
  }

  @Test
  void valuesOfAnotherClassNeverMatch() {
    List<String> list = List.of("a", "1");
    SmallMap<String, String> map = new SmallMap<>(new Object[] {"a", "1"});

    table.canonical(list, Shapes.LIST);
    assertThat(table.canonical(map, Shapes.SMALL_MAP)).isSameAs(map);
  }

  @Test
  void boxedNumbersCompareByValue() {
    List<Long> first = List.of(Long.valueOf(100_000L));
    List<Long> second = List.of(Long.valueOf(100_000L));

    table.canonical(first, Shapes.LIST);
    assertThat(table.canonical(second, Shapes.LIST)).isSameAs(first);
    assertThat(table.canonical(List.of(100_000), Shapes.LIST)).as("an Integer is not a Long").isNotSameAs(first);
  }
}
