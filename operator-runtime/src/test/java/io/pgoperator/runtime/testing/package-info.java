/**
 * Test harness shared by every module (published as operator-runtime's test-jar). {@link
 * io.pgoperator.runtime.testing.ApiServer} is an API server a test talks to: {@link
 * io.pgoperator.runtime.testing.Envtest}, a real etcd + kube-apiserver built by
 * {@code envtest/build.sh} (one per test JVM), or {@link io.pgoperator.runtime.testing.MockApi},
 * fabric8's mock server in CRUD mode for fast unit-level tests. Suites are written once against
 * {@code ApiServer} and run on both; tests isolate themselves by namespace. A test that needs
 * a real server of its own (extra API server flags) starts it with
 * {@link io.pgoperator.runtime.testing.Envtest#startApiServer} and installs CRDs on it with
 * {@link io.pgoperator.runtime.testing.Crds}. {@link io.pgoperator.runtime.testing.PrometheusBinaries}
 * finds the {@code promtool} and {@code prometheus} that the same script builds.
 */
package io.pgoperator.runtime.testing;
