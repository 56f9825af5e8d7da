package io.pgoperator.app.postgres;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The container image grammar of the distribution project (what the kubelet's runtime parses),
 * checked strictly. The CRD's pattern is looser about registry hosts ({@code -bad-.example.com}
 * passes it), and a pattern cannot bound the repository length; both are caught here.
 */
final class ImageReference {

  /** Longest repository name (host and path) registries accept. */
  static final int MAX_NAME_LENGTH = 255;

  private static final Pattern HOST_COMPONENT =
      Pattern.compile("[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]");
  private static final Pattern PORT = Pattern.compile("[0-9]+");
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

  private ImageReference() {
  }

  /** Why {@code image} is not a valid reference, or empty when it is. */
  static Optional<String> problem(String image) {
    if (image == null || image.isBlank()) {
      return Optional.of("it is empty");
    }
    String rest = image;
    int at = rest.indexOf('@');
    if (at >= 0) {
      String digest = rest.substring(at + 1);
      if (!DIGEST.matcher(digest).matches()) {
        return Optional.of("digest '" + digest + "' is not sha256:<64 lower-case hex digits>");
      }
      rest = rest.substring(0, at);
    }
    int lastSlash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
      String tag = rest.substring(colon + 1);
      if (!TAG.matcher(tag).matches()) {
        return Optional.of("tag '" + tag + "' must be letters, digits, '_', '.' or '-' (at most"
            + " 128, not starting with '.' or '-')");
      }
      rest = rest.substring(0, colon);
    }
    if (rest.length() > MAX_NAME_LENGTH) {
      return Optional.of("the repository name is longer than " + MAX_NAME_LENGTH + " characters");
    }
    String[] parts = rest.split("/", -1);
    int first = 0;
    if (parts.length > 1 && isHost(parts[0])) {
      Optional<String> host = hostProblem(parts[0]);
      if (host.isPresent()) {
        return host;
      }
      first = 1;
    }
    for (int i = first; i < parts.length; i++) {
      if (!PATH_COMPONENT.matcher(parts[i]).matches()) {
        return Optional.of("path component '" + parts[i] + "' must be lower-case letters and"
            + " digits, separated by '.', '_', '__' or dashes");
      }
    }
    return Optional.empty();
  }

  /** As the distribution parser decides: a first component with '.' or ':' or 'localhost'. */
  private static boolean isHost(String component) {
    return component.contains(".") || component.contains(":") || component.equals("localhost")
        || !component.equals(component.toLowerCase(java.util.Locale.ROOT));
  }

  private static Optional<String> hostProblem(String host) {
    String name = host;
    int colon = host.indexOf(':');
    if (colon >= 0) {
      String port = host.substring(colon + 1);
      if (!PORT.matcher(port).matches()) {
        return Optional.of("registry port '" + port + "' is not a number");
      }
      name = host.substring(0, colon);
    }
    for (String component : name.split("\\.", -1)) {
      if (!HOST_COMPONENT.matcher(component).matches()) {
        return Optional.of("registry host '" + name + "' has the component '" + component
            + "'; each dot-separated part must be letters, digits and '-', starting and ending"
            + " with a letter or digit");
      }
    }
    return Optional.empty();
  }
}
