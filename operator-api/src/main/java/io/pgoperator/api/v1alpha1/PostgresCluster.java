package io.pgoperator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A PostgreSQL cluster: one primary and {@code instances - 1} streaming hot standbys. Which
 * instance is primary is recorded in the status (ordinal 0 at first); the operator moves the role
 * on failover and on request (the {@value #TARGET_PRIMARY_ANNOTATION} annotation).
 *
 * <p>The name becomes the StatefulSet name and the prefix of Service names, so it must be a
 * DNS-1035 label short enough for {@code <name>-credentials} and the StatefulSet's
 * {@code controller-revision-hash} label (name + 11 characters, at most 63).
 */
@Group(PostgresCluster.GROUP)
@Version(PostgresCluster.VERSION)
@Plural(PostgresCluster.PLURAL)
@ShortNames("pgc")
@AdditionalPrinterColumn(name = "Primary Changed", jsonPath = ".status.lastPrimaryChange.completedAt",
    type = AdditionalPrinterColumn.Type.DATE, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(value = "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')"
    + " && size(self.metadata.name) <= " + PostgresCluster.MAX_NAME_LENGTH,
    message = "metadata.name must be a DNS-1035 label (lower case letters, digits, '-', starting"
        + " with a letter) of at most " + PostgresCluster.MAX_NAME_LENGTH + " characters")
public class PostgresCluster extends CustomResource<PostgresClusterSpec, PostgresClusterStatus>
    implements Namespaced {

  public static final String GROUP = "postgres.example.com";
  public static final String VERSION = "v1alpha1";
  public static final String PLURAL = "postgresclusters";
  public static final String KIND = "PostgresCluster";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String CRD_NAME = PLURAL + "." + GROUP;
  /** 63 (label value limit) minus the StatefulSet revision-hash suffix, with room to spare. */
  public static final int MAX_NAME_LENGTH = 50;
  /**
   * Requests a switchover: the instance (pod name) to make primary. The operator removes the
   * annotation once that instance is primary; a request it cannot carry out is reported (status
   * condition, Warning Event) and left for the user to correct or remove.
   */
  public static final String TARGET_PRIMARY_ANNOTATION = GROUP + "/target-primary";
}
