/**
 * Real PostgreSQL for the tests: {@link io.pgoperator.app.postgres.local.LocalPods} plays the
 * kubelet for a cluster's instance pods as the operator renders them (the instance script as a
 * local process, the ConfigMap projected, the Secret in the environment, a data directory per pod
 * that outlives the process), with the binaries envtest/build.sh fetched
 * ({@link io.pgoperator.app.postgres.local.PostgresBinaries}), run as an unprivileged user
 * ({@link io.pgoperator.app.postgres.local.LocalUser}); {@link io.pgoperator.app.postgres.local.Psql}
 * connects as clients do, {@link io.pgoperator.app.postgres.local.SlowLink} slows a link enough to
 * interrupt a copy half-way. {@link io.pgoperator.app.postgres.local.InstanceKubelet} puts LocalPods on a
 * real API server: it plays the StatefulSet controller (Pods from the operator's StatefulSet, its
 * status), the kubelet (Pod status, readiness probes, restarts, graceful deletion) and kube-proxy
 * ({@link io.pgoperator.app.postgres.local.ServiceProxy}: each ClusterIP Service routed by its
 * selector to Ready pods) for one cluster.
 */
package io.pgoperator.app.postgres.local;
