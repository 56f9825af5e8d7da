package io.pgoperator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

  @ParameterizedTest(name = "{0} = {1} ns")
  @CsvSource({
      "0, 0",
      "+0, 0",
      "-0, 0",
      "0s, 0",
      "15s, 15000000000",
      "300ms, 300000000",
      "1.5h, 5400000000000",
      "2h45m, 9900000000000",
      "1m30s, 90000000000",
      "-1.5h, -5400000000000",
      "+5s, 5000000000",
      "1ns, 1",
      "1us, 1000",
      "1µs, 1000",
      "1μs, 1000",
      ".5s, 500000000",
      "5.s, 5000000000",
      "1h1m1s1ms1us1ns, 3661001001001",
      "0.000000001s, 1",
      "0.0000000019s, 1",
      "9223372036854775807ns, 9223372036854775807",
      "-9223372036854775808ns, -9223372036854775808",
      "2562047h47m16.854775807s, 9223372036854775807",
  })
  void parsesGoSyntax(String text, long nanos) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @Test
  void bareNumberOtherThanZeroIsMissingAUnit() {
    assertThatThrownBy(() -> GoDuration.parse("15"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("time: missing unit in duration \"15\"");
  }

  @Test
  void unknownUnitIsNamed() {
    assertThatThrownBy(() -> GoDuration.parse("15x"))
        .hasMessage("time: unknown unit \"x\" in duration \"15x\"");
    assertThatThrownBy(() -> GoDuration.parse("1d"))
        .hasMessage("time: unknown unit \"d\" in duration \"1d\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-", "+", "abc", ".", ".s", "s", "1h 30m", " 1s", "1s ", "--1s",
      "9223372036854775808ns", "2562048h", "1e3s", "0x10s"})
  void rejectsWhatGoRejects(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("time: ");
  }

  @ParameterizedTest(name = "{1} formats as {0}")
  @CsvSource({
      "0s, 0",
      "1ns, 1",
      "1.1µs, 1100",
      "2.2ms, 2200000",
      "500ms, 500000000",
      "1s, 1000000000",
      "15s, 15000000000",
      "1.5s, 1500000000",
      "1m30s, 90000000000",
      "1h0m0s, 3600000000000",
      "2h45m0s, 9900000000000",
      "1h0m0.000000001s, 3600000000001",
      "-1m30s, -90000000000",
      "-500ms, -500000000",
      "2562047h47m16.854775807s, 9223372036854775807",
  })
  void formatsLikeGo(String text, long nanos) {
    assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"15s", "1m30s", "500ms", "1h0m0s", "1.5µs", "3ns", "-2h3m4.5s", "0s"})
  void formatThenParseRoundTrips(String text) {
    assertThat(GoDuration.format(GoDuration.parse(text))).isEqualTo(text);
  }

  @Test
  void parseThenFormatNormalises() {
    assertThat(GoDuration.format(GoDuration.parse("90s"))).isEqualTo("1m30s");
    assertThat(GoDuration.format(GoDuration.parse("1.5h"))).isEqualTo("1h30m0s");
    assertThat(GoDuration.format(GoDuration.parse("1000ms"))).isEqualTo("1s");
  }
}
