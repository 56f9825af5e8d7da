package io.pgoperator.app.postgres.replication;

import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.app.postgres.children.ChildNames;

/** Where the operator reaches one instance of a cluster. */
@FunctionalInterface
public interface InstanceAddresses {

  /** The pod's name under the headless Service: what the server certificate names. */
  InstanceAddresses IN_CLUSTER = (cluster, pod) -> new Address(ChildNames.instanceHost(cluster, pod), ChildNames.PORT);

  Address instance(PostgresCluster cluster, String pod);

  /** A host (a name the server certificate holds) and a port. */
  record Address(String host, int port) {

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }
}
