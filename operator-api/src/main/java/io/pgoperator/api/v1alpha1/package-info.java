/**
 * The {@code postgres.example.com/v1alpha1} API: the {@link PostgresCluster} custom resource,
 * its spec and status, and pure helpers about them (default images, conditions).
 *
 * <p>The CRD under {@code deploy/crd/} is generated from these classes by the
 * crd-generator Maven plugin: validation lives in annotations here, never in hand-edited YAML.
 * Change a field, then run {@code mvn -B -pl operator-api process-classes -Pupdate-crd}.
 */
package io.pgoperator.api.v1alpha1;
