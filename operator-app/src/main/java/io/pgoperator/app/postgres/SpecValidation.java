package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgoperator.api.v1alpha1.PostgresCluster;
import io.pgoperator.api.v1alpha1.PostgresClusterSpec;
import io.pgoperator.api.v1alpha1.PostgresVersions;
import io.pgoperator.app.postgres.children.ChildNames;
import io.pgoperator.app.postgres.children.OwnedParameters;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the CRD schema cannot check: rules that need the running StatefulSet (the API server
 * only sees the old PostgresCluster, which a user can delete and recreate), plus stricter
 * checks of parameter values and the image reference. Each problem says what to change.
 */
final class SpecValidation {

  private static final Set<String> RESERVED_DATABASES = Set.of("postgres", "template0", "template1");

  private SpecValidation() {
  }

  /**
   * @param existing the cluster's StatefulSet from the cache, or null
   * @return problems, empty when the spec can be acted on
   */
  static List<String> problems(PostgresCluster cluster, StatefulSet existing) {
    PostgresClusterSpec spec = cluster.getSpec();
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec is missing; set at least spec.storage.size");
      return problems;
    }
    parameters(spec.getParameters(), problems);
    if (spec.getImage() != null) {
      ImageReference.problem(spec.getImage()).ifPresent(why -> problems.add("spec.image '"
          + spec.getImage() + "' is not a valid image reference: " + why
          + "; use e.g. registry.example.com/postgres:17"));
    }
    storage(cluster, existing, problems);
    version(cluster, existing, problems);
    if (existing == null) {
      reservedNames(cluster, problems);
    }
    return problems;
  }

  /**
   * Names the instance script creates at initialisation must not be PostgreSQL's own. Checked for
   * new clusters only: a running cluster was initialised already, and both names are immutable.
   */
  private static void reservedNames(PostgresCluster cluster, List<String> problems) {
    String owner = ChildNames.owner(cluster);
    if (owner.equals(ChildNames.SUPERUSER) || owner.equals(ChildNames.REPLICATION_USER)
        || owner.equals(ChildNames.OPERATOR_USER) || owner.startsWith("pg_")) {
      problems.add("the owner '" + owner + "' is reserved (" + ChildNames.SUPERUSER + " is the superuser, "
          + ChildNames.REPLICATION_USER + " replicates, " + ChildNames.OPERATOR_USER + " is the operator's,"
          + " pg_* belong to PostgreSQL)"
          + (cluster.getSpec().getOwner() == null ? ", and it is the default for a cluster of this name" : "")
          + "; set spec.owner to another name");
    }
    String database = ChildNames.database(cluster);
    if (RESERVED_DATABASES.contains(database)) {
      problems.add("the database '" + database + "' exists in every PostgreSQL cluster already"
          + (cluster.getSpec().getDatabase() == null ? " (the default for a cluster of this name)" : "")
          + "; set spec.database to another name");
    }
  }

  private static void parameters(Map<String, String> parameters, List<String> problems) {
    for (String key : OwnedParameters.validate(parameters)) {
      String value = parameters.get(key);
      if (OwnedParameters.isOwned(key)) {
        problems.add("spec.parameters." + key + " is set by the operator; remove it");
      } else if (!key.matches(PostgresClusterSpec.PARAMETER_NAME_PATTERN)) {
        problems.add("spec.parameters key '" + key + "' is not a lower-case postgresql.conf"
            + " setting name; fix or remove it");
      } else if (value == null) {
        problems.add("spec.parameters." + key + " has no value; give it one or remove it");
      } else {
        problems.add("spec.parameters." + key + " contains a line break or NUL character;"
            + " put the value on one line");
      }
    }
  }

  private static void storage(PostgresCluster cluster, StatefulSet existing,
      List<String> problems) {
    String size = cluster.getSpec().getStorage() == null ? null
        : cluster.getSpec().getStorage().getSize();
    if (size == null) {
      problems.add("spec.storage.size is missing; set it, e.g. 10Gi");
      return;
    }
    BigDecimal wanted;
    try {
      wanted = new Quantity(size).getNumericalAmount();
    } catch (RuntimeException e) {
      problems.add("spec.storage.size '" + size + "' is not a quantity; use e.g. 10Gi");
      return;
    }
    String current = volumeSize(existing);
    if (current == null) {
      return;
    }
    try {
      if (wanted.compareTo(new Quantity(current).getNumericalAmount()) < 0) {
        problems.add("spec.storage.size " + size + " is smaller than the " + current
            + " volumes of the existing StatefulSet " + name(existing)
            + ", and volumes cannot shrink; set spec.storage.size to " + current + " or more");
      }
    } catch (RuntimeException unreadable) {
      // A StatefulSet we cannot read is no reason to refuse the spec; the update shows more.
    }
  }

  private static void version(PostgresCluster cluster, StatefulSet existing,
      List<String> problems) {
    int wanted = PostgresVersions.majorOf(cluster.getSpec());
    Integer running = DesiredChildren.runningMajorVersion(existing);
    if (running != null && wanted < running) {
      problems.add("spec.postgresVersion " + wanted + " is older than " + running
          + ", the major version the data of StatefulSet " + name(existing)
          + " was written with, and a data directory cannot be downgraded; set"
          + " spec.postgresVersion to " + running + " or more, or restore a backup into a new"
          + " cluster");
    } else if (running != null && wanted > running) {
      // A new major version cannot read the old data directory; swapping the image would leave
      // every instance crash-looping. Until the operator runs pg_upgrade, refuse and keep it running.
      problems.add("spec.postgresVersion " + wanted + " is newer than " + running
          + ", the major version the data of StatefulSet " + name(existing) + " was written with;"
          + " the operator does not run pg_upgrade, so set spec.postgresVersion back to " + running
          + ", or dump and restore into a new cluster on version " + wanted);
    }
  }

  /** The data volume size the StatefulSet was created with, or null. */
  static String volumeSize(StatefulSet statefulSet) {
    if (statefulSet == null || statefulSet.getSpec() == null
        || statefulSet.getSpec().getVolumeClaimTemplates() == null) {
      return null;
    }
    for (PersistentVolumeClaim claim : statefulSet.getSpec().getVolumeClaimTemplates()) {
      if (claim.getMetadata() != null && DesiredChildren.DATA_VOLUME.equals(claim.getMetadata().getName())
          && claim.getSpec() != null && claim.getSpec().getResources() != null
          && claim.getSpec().getResources().getRequests() != null) {
        Quantity q = claim.getSpec().getResources().getRequests().get("storage");
        return q == null ? null : q.toString();
      }
    }
    return null;
  }

  private static String name(StatefulSet statefulSet) {
    return statefulSet.getMetadata().getNamespace() + "/" + statefulSet.getMetadata().getName();
  }
}
