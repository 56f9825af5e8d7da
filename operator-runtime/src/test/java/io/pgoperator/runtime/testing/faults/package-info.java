/**
 * A fault-injecting proxy for tests against a real API server. {@link
 * io.pgoperator.runtime.testing.faults.FaultProxy} sits between operator processes (fabric8
 * clients, each with its own ServiceAccount token) and envtest's kube-apiserver, forwards every
 * request with the caller's own credentials, and on demand delays, refuses, resets or swallows
 * the requests a {@link io.pgoperator.runtime.testing.faults.Selector} picks (by caller and
 * {@link io.pgoperator.runtime.testing.faults.RequestClass}), or cuts everything at once (an
 * outage). Its log of {@link io.pgoperator.runtime.testing.faults.ProxyRecord}s lets a test count
 * retries and measure delays on the proxy's clock. Leader election, fencing and retry behaviour
 * are proven with it on the real server instead of on a mock that cannot fail realistically.
 */
package io.pgoperator.runtime.testing.faults;
