package io.pgoperator.app.cli;

import java.io.PrintStream;

/**
 * What the command line asks for: run with options, print help or version text and exit 0, or
 * report one error line and exit 2. A value, so callers and tests decide about printing and
 * exiting.
 */
public sealed interface ParseOutcome {

  int EXIT_OK = 0;
  int EXIT_USAGE = 2;
  String USAGE_HINT = "Run 'java -jar operator.jar --help' for usage.";

  int exitCode();

  /** Writes what this outcome wants shown; {@link Run} writes nothing. */
  void writeTo(PrintStream out, PrintStream err);

  /** Start the operator with these options. */
  record Run(OperatorOptions options) implements ParseOutcome {
    @Override
    public int exitCode() {
      return EXIT_OK;
    }

    @Override
    public void writeTo(PrintStream out, PrintStream err) {}
  }

  /** {@code --help} or {@code --version}: print {@code text} to stdout, exit 0. */
  record Print(String text) implements ParseOutcome {
    @Override
    public int exitCode() {
      return EXIT_OK;
    }

    @Override
    public void writeTo(PrintStream out, PrintStream err) {
      out.print(text);
      out.flush();
    }
  }

  /**
   * A usage error: print {@code errorLine} (one line, starting {@code error: }) and then
   * {@link #USAGE_HINT} to stderr, exit 2.
   */
  record Fail(String errorLine) implements ParseOutcome {
    @Override
    public int exitCode() {
      return EXIT_USAGE;
    }

    @Override
    public void writeTo(PrintStream out, PrintStream err) {
      err.print(errorLine + "\n" + USAGE_HINT + "\n");
      err.flush();
    }
  }
}
