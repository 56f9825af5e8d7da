package io.pgoperator.runtime.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmallMapTest {

  private final SmallMap<String, String> map = new SmallMap<>(new Object[] {"b", "2", "a", "1", "n", null});

  @Test
  void aMapInTheOrderItWasGiven() {
    assertThat(map).hasSize(3);
    assertThat(map.keySet()).containsExactly("b", "a", "n");
    assertThat(map.values()).containsExactly("2", "1", null);
    assertThat(map.get("a")).isEqualTo("1");
    assertThat(map.get("z")).isNull();
    assertThat(map.containsKey("n")).isTrue();
    assertThat(map.containsKey("z")).isFalse();
  }

  @Test
  void equalToAnyMapWithTheSameMappings() {
    Map<String, String> same = new LinkedHashMap<>();
    same.put("a", "1");
    same.put("n", null);
    same.put("b", "2");
    assertThat(map).isEqualTo(same);
    assertThat(same).isEqualTo(map);
    assertThat(map.hashCode()).isEqualTo(same.hashCode());
    assertThat(map).isNotEqualTo(Map.of("a", "1", "b", "2"));
  }

  @Test
  void immutable() {
    assertThatThrownBy(() -> map.put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.entrySet().iterator().remove()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(map::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.entrySet().iterator().next().setValue("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
