/**
 * The operator's command line and logging set-up. {@link
 * io.pgoperator.app.cli.OperatorCommandLine#parse} turns arguments plus {@code PG_OPERATOR_*}
 * environment variables (the command line wins) into a {@link
 * io.pgoperator.app.cli.ParseOutcome}: validated {@link io.pgoperator.app.cli.OperatorOptions},
 * help or version text (exit 0), or exactly one {@code error: } line (exit 2); it never throws
 * and never exits, {@code parseOrExit} does that for {@code main}. Flags use controller-runtime
 * names and Go duration syntax ({@link io.pgoperator.app.cli.GoDuration}). {@link
 * io.pgoperator.app.cli.LoggingSetup} then switches logback to text or JSON lines at the chosen
 * level; the reconcile MDC keys ({@code controller}, {@code key}, {@code reconcileID}) appear in
 * both formats when set.
 */
package io.pgoperator.app.cli;
