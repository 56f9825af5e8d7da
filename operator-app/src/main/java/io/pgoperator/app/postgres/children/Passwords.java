package io.pgoperator.app.postgres.children;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Random;

/**
 * Random passwords over the URL-safe base64 alphabet, so they need no escaping in a
 * connection URI, a shell variable or a psql literal. The source is injected: production uses
 * {@link #secure()}, tests a seeded {@link Random}.
 */
public final class Passwords {

  public static final int MIN_LENGTH = 24;
  public static final int DEFAULT_LENGTH = 32;
  static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private final Random source;

  public Passwords(Random source) {
    this.source = Objects.requireNonNull(source, "random source");
  }

  public static Passwords secure() {
    return new Passwords(new SecureRandom());
  }

  public String next() {
    return next(DEFAULT_LENGTH);
  }

  public String next(int length) {
    if (length < MIN_LENGTH) {
      throw new IllegalArgumentException("password length " + length + " is below the minimum "
          + MIN_LENGTH);
    }
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(source.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
