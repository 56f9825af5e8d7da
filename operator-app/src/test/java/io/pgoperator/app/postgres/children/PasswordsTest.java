package io.pgoperator.app.postgres.children;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PasswordsTest {

  @Test
  void sameSeedGivesSamePasswords() {
    Passwords a = new Passwords(new Random(7));
    Passwords b = new Passwords(new Random(7));
    assertThat(a.next()).isEqualTo(b.next());
    assertThat(a.next()).isEqualTo(b.next());
  }

  @Test
  void passwordsAreLongAndUrlSafe() {
    Passwords passwords = new Passwords(new Random(1));
    for (int i = 0; i < 100; i++) {
      assertThat(passwords.next()).hasSize(32).matches("[A-Za-z0-9_-]+");
    }
    assertThat(Passwords.secure().next()).hasSizeGreaterThanOrEqualTo(24);
  }

  @Test
  void successivePasswordsDiffer() {
    Passwords passwords = new Passwords(new Random(1));
    assertThat(passwords.next()).isNotEqualTo(passwords.next());
  }

  @Test
  void shortPasswordsAreRefused() {
    assertThatThrownBy(() -> new Passwords(new Random()).next(16))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("24");
  }
}
