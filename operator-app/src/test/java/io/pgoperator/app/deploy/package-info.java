/**
 * Tests of the install in {@code deploy/}: what {@code kubectl kustomize deploy/} renders (parsed,
 * never grepped), that it equals {@code deploy/install.yaml}, that a real API server accepts it,
 * and that the shipped RBAC is exactly what the operator needs. {@link
 * io.pgoperator.app.deploy.DeployManifests} renders and parses; {@link
 * io.pgoperator.app.deploy.OperatorServiceAccount} installs the RBAC on an API server and hands
 * back a client {@code Config} that acts as the operator's ServiceAccount.
 */
package io.pgoperator.app.deploy;
