/**
 * Failover of real operator processes on a real API server. {@link
 * io.pgoperator.app.failover.OperatorProcesses} starts N JVMs of the fat jar with leader election
 * against one API server, each with its own probe and metrics ports and a log under
 * {@code target/failover/<test>/}; it reads the Lease to say who leads and sends SIGKILL, SIGTERM,
 * SIGSTOP and SIGCONT. {@code LeaderFailoverIT} asserts behaviour (who leads, who writes);
 * {@code FailoverBenchmark} reports numbers and never fails on them.
 */
package io.pgoperator.app.failover;
