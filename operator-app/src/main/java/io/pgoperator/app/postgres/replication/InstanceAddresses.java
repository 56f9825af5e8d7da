package io.pgoperator.app.postgres.replication;

import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildNames;

/** Where the operator reaches a cluster's primary. */
@FunctionalInterface
public interface InstanceAddresses {

  /** The read-write Service by its in-cluster name: what the server certificate names. */
  InstanceAddresses IN_CLUSTER = cluster -> new Address(ChildNames.primaryHost(cluster), ChildNames.PORT);

  Address primary(PostgresCluster cluster);

  /** A host (a name the server certificate holds) and a port. */
  record Address(String host, int port) {

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }
}
