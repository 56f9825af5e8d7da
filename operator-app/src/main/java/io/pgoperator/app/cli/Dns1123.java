package io.pgoperator.app.cli;

import java.util.regex.Pattern;

/** Kubernetes name rules (apimachinery validation.IsDNS1123Label / IsDNS1123Subdomain). */
final class Dns1123 {

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  static final String LABEL_RULE =
      "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter"
          + " or digit, at most 63 characters";
  static final String SUBDOMAIN_RULE =
      "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with"
          + " a letter or digit, at most 253 characters";

  private Dns1123() {}

  static boolean isLabel(String s) {
    return s.length() <= 63 && LABEL.matcher(s).matches();
  }

  static boolean isSubdomain(String s) {
    return s.length() <= 253 && SUBDOMAIN.matcher(s).matches();
  }
}
