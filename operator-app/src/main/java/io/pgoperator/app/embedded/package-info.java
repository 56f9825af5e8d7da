/**
 * Embedded mode ({@code --embedded}), the newcomer's first run: an in-process Kubernetes API
 * server (fabric8's mock server in CRUD mode) with the CRD and the samples installed, so the
 * operator can be tried with no cluster and no network.
 */
package io.pgoperator.app.embedded;
