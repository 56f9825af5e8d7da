package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.generator.annotation.ValidationRule;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OwnedParametersTest {

  @Test
  void ordinaryTuningIsAccepted() {
    assertThat(OwnedParameters.validate(Map.of("max_connections", "200",
        "shared_buffers", "256MB", "auto_explain.log_min_duration", "1s"))).isEmpty();
    assertThat(OwnedParameters.validate(null)).isEmpty();
  }

  @Test
  void ownedSettingsAreReportedSortedAndCaseInsensitively() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("work_mem", "8MB");
    params.put("wal_level", "minimal");
    params.put("port", "6543");
    params.put("listen_addresses", "localhost");
    assertThat(OwnedParameters.validate(params))
        .containsExactly("listen_addresses", "port", "wal_level");
    assertThat(OwnedParameters.isOwned("Primary_Conninfo")).isTrue();
  }

  @Test
  void malformedNamesAndMultiLineValuesAreReported() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("Work_Mem", "8MB");
    params.put("work mem", "8MB");
    params.put("search_path", "public\nport = 1");
    params.put("statement_timeout", "30s");
    assertThat(OwnedParameters.validate(params))
        .containsExactly("Work_Mem", "search_path", "work mem");
  }

  @Test
  void theCrdRefusesExactlyTheSameSettings() throws NoSuchFieldException {
    ValidationRule[] rules = PostgresClusterSpec.class.getDeclaredField("parameters")
        .getAnnotationsByType(ValidationRule.class);
    String ownedRule = Arrays.stream(rules).map(ValidationRule::value)
        .filter(r -> r.contains(" in ")).findFirst().orElseThrow();

    Set<String> inCrd = quoted(ownedRule);

    assertThat(inCrd)
        .as("the CEL list in PostgresClusterSpec.parameters must equal OwnedParameters.OWNED")
        .isEqualTo(OwnedParameters.OWNED);
  }

  private static Set<String> quoted(String rule) {
    Matcher m = Pattern.compile("'([a-z_]+)'").matcher(rule);
    return m.results().map(r -> r.group(1)).collect(Collectors.toSet());
  }
}
