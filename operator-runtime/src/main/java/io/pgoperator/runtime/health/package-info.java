/**
 * Liveness and readiness as named checks, served like controller-runtime's {@code pkg/healthz}.
 * Components register a {@link io.pgoperator.runtime.health.HealthCheck} under a unique name in
 * one of two {@link io.pgoperator.runtime.health.HealthChecks} registries (healthz: the process
 * should be restarted if this fails; readyz: the process should get no traffic / is not ready
 * yet). {@link io.pgoperator.runtime.health.HealthRoutes} serves a registry on a Vert.x Web
 * router: all checks run concurrently on every probe, each bounded by a timeout; the aggregate
 * answer withholds reasons (probe endpoints are unauthenticated), {@code <path>/<name>} shows
 * one check's reason. Checks are called on an event loop and must not block.
 */
package io.pgoperator.runtime.health;
