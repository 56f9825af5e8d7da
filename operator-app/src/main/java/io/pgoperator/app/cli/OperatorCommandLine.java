package io.pgoperator.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The operator's command line: kubebuilder-style flags, each also settable through
 * {@code PG_OPERATOR_<FLAG>} (the command line wins). {@link #parse} is pure apart from reading
 * the in-cluster namespace file and checking that a kubeconfig file exists; {@link #parseOrExit}
 * is the thin wrapper for {@code main}.
 */
public final class OperatorCommandLine {

  static final String COMMAND = "java -jar operator.jar";
  static final Path IN_CLUSTER_NAMESPACE_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
  private static final String HELP = "--help";
  private static final String VERSION = "--version";
  private static final String VERSION_RESOURCE = "/pg-operator-version.properties";

  private OperatorCommandLine() {}

  /**
   * Parses {@code args} with {@code env} (usually {@link System#getenv()}) as the second source.
   * Never throws and never exits: every problem becomes a {@link ParseOutcome.Fail}.
   */
  public static ParseOutcome parse(String[] args, Map<String, String> env) {
    return parse(args, env, IN_CLUSTER_NAMESPACE_FILE);
  }

  /**
   * For {@code main}: returns the options to run with, or prints help, version or the error and
   * exits with 0 or 2.
   */
  public static OperatorOptions parseOrExit(String[] args) {
    ParseOutcome outcome = parse(args, System.getenv());
    if (outcome instanceof ParseOutcome.Run run) {
      return run.options();
    }
    outcome.writeTo(System.out, System.err);
    System.exit(outcome.exitCode());
    throw new IllegalStateException("System.exit returned");
  }

  /** The build's version (from the Maven-filtered properties file), or {@code unknown}. */
  public static String version() {
    try (InputStream in = OperatorCommandLine.class.getResourceAsStream(VERSION_RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "").trim();
      return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }

  static ParseOutcome parse(String[] args, Map<String, String> env, Path namespaceFile) {
    try {
      CommandLine cl = newCommandLine();
      ParseResult result;
      try {
        result = cl.parseArgs(withHelpShorthand(args));
      } catch (CommandLine.ParameterException e) {
        return fail(describe(e));
      }
      if (result.isUsageHelpRequested()) {
        return new ParseOutcome.Print(cl.getUsageMessage(Help.Ansi.OFF));
      }
      if (result.isVersionHelpRequested()) {
        return new ParseOutcome.Print("pg-operator " + version() + "\n");
      }
      return new ParseOutcome.Run(
          new OptionsReader(flag -> given(result, env, flag), env, namespaceFile).read());
    } catch (UsageException e) {
      return fail(e.getMessage());
    } catch (RuntimeException e) {
      // Not expected; still one line and exit 2 rather than a stack trace.
      return fail("cannot parse the command line: " + e);
    }
  }

  /** A lone {@code -h} means help, as in Go programs. */
  private static String[] withHelpShorthand(String[] args) {
    String[] copy = args.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i].equals("-h")) {
        copy[i] = HELP;
      }
    }
    return copy;
  }

  static OperatorOptions defaults() {
    ParseOutcome outcome = parse(new String[0], Map.of(), null);
    if (outcome instanceof ParseOutcome.Run run) {
      return run.options();
    }
    throw new IllegalStateException("defaults do not validate: " + outcome);
  }

  private static ParseOutcome.Fail fail(String message) {
    return new ParseOutcome.Fail("error: " + message.replace('\n', ' ').replace('\r', ' '));
  }

  /** The command line's value if set there, else the environment's (blank counts as unset). */
  private static OptionsReader.Raw given(ParseResult result, Map<String, String> env, Flag flag) {
    OptionSpec matched = result.matchedOption(flag.longName());
    if (matched != null) {
      Object value = matched.getValue();
      String text = value instanceof List<?> list
          ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
          : String.valueOf(value);
      return new OptionsReader.Raw(text, flag.longName());
    }
    String fromEnv = env.get(flag.envVar());
    if (fromEnv == null || fromEnv.isBlank()) {
      return null;
    }
    return new OptionsReader.Raw(fromEnv.trim(), flag.envVar());
  }

  private static CommandLine newCommandLine() {
    CommandSpec spec = CommandSpec.create()
        .name(COMMAND)
        .version("pg-operator " + version());
    spec.usageMessage()
        .headerHeading("pg-operator " + version()
            + ": a highly available Kubernetes operator for PostgreSQL.%n%n")
        .synopsisHeading("Usage: ")
        .customSynopsis(COMMAND + " [flags]")
        .sortOptions(false)
        .optionListHeading("%nFlags (each also settable as the environment variable shown; the"
            + " command line wins):%n")
        .footerHeading("%n")
        .footer("Durations use Go syntax: 300ms, 15s, 1m30s, 1.5h, 2h45m.")
        .width(100);
    for (Flag flag : Flag.values()) {
      OptionSpec.Builder option = OptionSpec.builder(flag.longName())
          .paramLabel(flag.paramLabel)
          .description(flag.help, "Default: " + flag.defaultText + ". Env: " + flag.envVar() + ".");
      switch (flag.kind) {
        case BOOLEAN -> option.type(Boolean.class).arity("0..1");
        case VALUE -> option.type(String.class).arity("1");
        case LIST -> option.type(List.class).auxiliaryTypes(String.class).splitRegex(",");
      }
      spec.addOption(option.build());
    }
    // Long names only: a short -h or -V would make picocli refuse values such as "-host:80".
    spec.addOption(OptionSpec.builder(HELP).usageHelp(true)
        .description("Show this help and exit. Also: -h.").build());
    spec.addOption(OptionSpec.builder(VERSION).versionHelp(true)
        .description("Print the version and exit.").build());
    CommandLine cl = new CommandLine(spec);
    cl.setOverwrittenOptionsAllowed(true); // like Go's flag package: the last one wins
    cl.setExpandAtFiles(false); // "@file" is not an argument file here
    return cl;
  }

  /** One line for a picocli parse error, in Go flag style. */
  private static String describe(CommandLine.ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty()) {
      String arg = unmatched.getUnmatched().get(0);
      if (arg.startsWith("-") && !arg.equals("-")) {
        int eq = arg.indexOf('=');
        String flag = eq > 0 ? arg.substring(0, eq) : arg;
        String similar = similarFlag(flag);
        return "unknown flag " + flag + (similar == null ? "" : " (did you mean " + similar + "?)");
      }
      return "unexpected argument " + Quoting.quote(arg) + " (this command takes only flags)";
    }
    if (e instanceof CommandLine.MissingParameterException missing
        && !missing.getMissing().isEmpty()) {
      return "missing value for " + name(missing.getMissing().get(0));
    }
    ArgSpec arg = e.getArgSpec();
    if (arg != null && e.getValue() != null) {
      // Only booleans are converted by picocli; everything else is read as text.
      return "invalid value for " + name(arg) + ": " + Quoting.quote(e.getValue())
          + " (want true or false)";
    }
    String message = e.getMessage();
    return message.isEmpty()
        ? "invalid command line"
        : Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }

  /** A known flag within two edits of a mistyped one (Go's single dash counts as a typo). */
  static String similarFlag(String typed) {
    String best = null;
    int bestDistance = 3;
    List<String> known = new ArrayList<>(List.of(HELP, VERSION));
    for (Flag flag : Flag.values()) {
      known.add(flag.longName());
    }
    for (String name : known) {
      int d = editDistance(typed, name);
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(substitute, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String name(ArgSpec arg) {
    return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
  }
}
