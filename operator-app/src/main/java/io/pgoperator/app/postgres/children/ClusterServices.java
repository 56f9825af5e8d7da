package io.pgoperator.app.postgres.children;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Services in front of a cluster. */
public final class ClusterServices {

  private ClusterServices() {
  }

  /**
   * {@code <cluster>-pods}: the StatefulSet's governing Service, giving each pod a stable DNS
   * name; it lists pods before they are ready, so a starting standby can be found.
   */
  public static Service headless(PostgresCluster cluster) {
    String name = cluster.getMetadata().getName();
    return new ServiceBuilder()
        .withMetadata(meta(cluster, ChildNames.headlessService(name)))
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(ChildMeta.podSelector(name))
        .withPorts(port())
        .endSpec()
        .build();
  }

  /**
   * {@code <cluster>-rw}: the primary, by the role label the operator moves on failover and
   * switchover (see {@link ChildMeta#ROLE_LABEL}); while the role moves it selects nobody.
   */
  public static Service readWrite(PostgresCluster cluster) {
    return clusterIp(cluster, ChildNames.readWriteService(cluster.getMetadata().getName()),
        roleSelector(cluster, ChildMeta.ROLE_PRIMARY));
  }

  /**
   * {@code <cluster>-ro}, only with more than one instance: the standbys (instances the operator
   * saw in recovery), each while Ready, i.e. streaming within maxStandbyLag.
   */
  public static Optional<Service> readOnly(PostgresCluster cluster) {
    if (instances(cluster) <= 1) {
      return Optional.empty();
    }
    return Optional.of(clusterIp(cluster, ChildNames.readOnlyService(cluster.getMetadata().getName()),
        roleSelector(cluster, ChildMeta.ROLE_REPLICA)));
  }

  private static Map<String, String> roleSelector(PostgresCluster cluster, String role) {
    Map<String, String> selector = new LinkedHashMap<>(ChildMeta.podSelector(cluster.getMetadata().getName()));
    selector.put(ChildMeta.ROLE_LABEL, role);
    return selector;
  }

  /** Every Service the cluster should have; a Service not listed here should be deleted. */
  public static List<Service> all(PostgresCluster cluster) {
    List<Service> services = new ArrayList<>();
    services.add(headless(cluster));
    services.add(readWrite(cluster));
    readOnly(cluster).ifPresent(services::add);
    return services;
  }

  private static Service clusterIp(PostgresCluster cluster, String serviceName,
      Map<String, String> selector) {
    return new ServiceBuilder()
        .withMetadata(meta(cluster, serviceName))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector)
        .withPorts(port())
        .endSpec()
        .build();
  }

  private static ServicePort port() {
    return new ServicePortBuilder()
        .withName(ChildNames.PORT_NAME)
        .withProtocol("TCP")
        .withPort(ChildNames.PORT)
        .withTargetPort(new IntOrString(ChildNames.PORT_NAME))
        .build();
  }

  private static io.fabric8.kubernetes.api.model.ObjectMeta meta(PostgresCluster cluster,
      String name) {
    return ChildMeta.metadata(cluster, name, ChildMeta.COMPONENT_DATABASE);
  }

  static int instances(PostgresCluster cluster) {
    Integer n = cluster.getSpec().getInstances();
    return n == null ? 1 : n;
  }
}
