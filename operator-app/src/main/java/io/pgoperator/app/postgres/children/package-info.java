/**
 * Pure builders of the Kubernetes objects a {@code PostgresCluster} owns: credentials Secret,
 * configuration ConfigMap, Services, StatefulSet and PodDisruptionBudget.
 *
 * <p>Contract: a {@code PostgresCluster} read from the API server (name, namespace and uid
 * set) goes in, fabric8 model objects come out. No I/O, no clock, no Vert.x; the only
 * randomness (passwords) comes from an injected {@link java.util.Random}. The same input always
 * yields equal objects, so the controller can compare desired with observed state. Every child
 * carries the {@link io.pgoperator.app.postgres.children.ChildMeta} labels and a controller
 * owner reference to the cluster, so garbage collection removes it with the cluster — except
 * the volumes, which the StatefulSet retains by policy.
 *
 * <p>Topology: instance 0 of the StatefulSet is the primary; every other instance is cloned from
 * it once with {@code pg_basebackup -R} and then runs as a streaming hot standby. The operator's
 * instance script ({@link io.pgoperator.app.postgres.children.Scripts#INSTANCE}, in the ConfigMap)
 * does both and starts postgres; it relies on nothing but the PostgreSQL programs on PATH, so the
 * tests run it against real binaries ({@code io.pgoperator.app.postgres.local} in the tests).
 */
package io.pgoperator.app.postgres.children;
