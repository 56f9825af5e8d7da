/**
 * Time as a dependency. Everything whose behaviour depends on time (queue delays, backoff,
 * lease expiry, renew deadlines) takes a {@link io.pgoperator.runtime.time.Clock}: the Vert.x
 * one in production, a hand-stepped fake in tests, so tests step time instead of sleeping.
 * Durations are measured on a monotonic clock; wall time is only for fields humans and other
 * processes read (Lease timestamps, condition times).
 */
package io.pgoperator.runtime.time;
