package io.pgoperator.app.cli;

/** A stand-in for the real main, run in a child JVM to observe the exit code and streams. */
public final class ParseOrExitProbe {

  private ParseOrExitProbe() {}

  public static void main(String[] args) {
    OperatorOptions options = OperatorCommandLine.parseOrExit(args);
    System.out.println("RUN " + options.describe());
  }
}
