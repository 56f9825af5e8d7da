/**
 * Logging that stays readable through an outage: {@link io.pgoperator.runtime.logging.RetryLog}
 * reports a failure that is retried on its own when it starts and then once a minute, instead of
 * at every attempt.
 */
package io.pgoperator.runtime.logging;
