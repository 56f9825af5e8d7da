package io.pgoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Desired state. Rules that need the previous object ({@code oldSelf}) are transition rules:
 * the API server evaluates them on update only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.postgresVersion >= oldSelf.postgresVersion",
    message = "postgresVersion cannot be downgraded (a data directory cannot be opened by an"
        + " older major version); restore from a backup into a new cluster instead")
@ValidationRule(value = "(has(self.database) ? self.database : '')"
    + " == (has(oldSelf.database) ? oldSelf.database : '')",
    message = "database is immutable: it is created once, when the cluster is initialised")
@ValidationRule(value = "(has(self.owner) ? self.owner : '')"
    + " == (has(oldSelf.owner) ? oldSelf.owner : '')",
    message = "owner is immutable: it is created once, when the cluster is initialised")
public class PostgresClusterSpec {

  /** PostgreSQL identifiers the operator creates (database, role): lower case, at most 63 bytes. */
  public static final String IDENTIFIER_PATTERN = "^[a-z_][a-z0-9_]{0,62}$";
  /** registry[:port]/path[:tag][@sha256:digest], lower-case repository as the OCI spec demands. */
  public static final String IMAGE_PATTERN = "^([a-zA-Z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._/-][a-z0-9]+)*"
      + "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$";
  /** postgresql.conf parameter names (GUCs), lower case so the owned-parameter check is exact. */
  public static final String PARAMETER_NAME_PATTERN = "^[a-z_][a-z0-9_.]*$";
  public static final int MAX_PARAMETERS = 128;
  public static final String DEFAULT_MAX_STANDBY_LAG = "16Mi";
  /**
   * Mirrors {@code io.pgoperator.app.postgres.children.OwnedParameters} (a test there keeps the
   * two in step). Annotation values must be constants, hence the literal list.
   */
  static final String OWNED_PARAMETERS_CEL = "['archive_command', 'archive_mode',"
      + " 'config_file', 'data_directory', 'external_pid_file', 'hba_file', 'hot_standby',"
      + " 'ident_file', 'listen_addresses', 'logging_collector', 'max_replication_slots',"
      + " 'max_wal_senders', 'password_encryption', 'port', 'primary_conninfo',"
      + " 'primary_slot_name', 'restore_command', 'ssl', 'ssl_cert_file', 'ssl_key_file',"
      + " 'unix_socket_directories', 'wal_level']";

  @JsonPropertyDescription("Number of PostgreSQL instances: one primary plus instances-1 streaming replicas.")
  @Min(1)
  @Max(9)
  @Default("1")
  @PrinterColumn(name = "Instances")
  private Integer instances = 1;

  @JsonPropertyDescription("PostgreSQL major version (15, 16, 17 or 18). Upgrades only; picks the default image postgres:<version>.")
  @Min(15)
  @Max(18)
  @Default("17")
  private Integer postgresVersion = PostgresVersions.DEFAULT;

  @JsonPropertyDescription("Container image override. Like the official postgres image, it must run postgresVersion, as uid 999, with bash and the PostgreSQL programs (postgres, initdb, pg_ctl, pg_basebackup, psql, pg_isready) on PATH.")
  @Pattern(IMAGE_PATTERN)
  @Size(max = 512)
  private String image;

  @JsonPropertyDescription("Persistent storage of each instance.")
  @Required
  private StorageSpec storage;

  @JsonPropertyDescription("Compute resources of the postgres container.")
  private ResourcesSpec resources;

  @JsonPropertyDescription("Application database created at initialisation. Defaults to the cluster name with '-' replaced by '_'. Immutable.")
  @Pattern(IDENTIFIER_PATTERN)
  private String database;

  @JsonPropertyDescription("Role owning the application database; not a superuser. Defaults like database. Immutable.")
  @Pattern(IDENTIFIER_PATTERN)
  private String owner;

  @JsonPropertyDescription("How far a standby may have fallen behind the WAL its primary sent it and still be Ready (serve reads through the -ro Service), e.g. 16Mi. A standby that does not stream from the primary is never Ready.")
  @Pattern(StorageSpec.QUANTITY_PATTERN)
  @Size(max = 64)
  @Default("16Mi")
  private String maxStandbyLag = DEFAULT_MAX_STANDBY_LAG;

  @JsonPropertyDescription("postgresql.conf settings, values as strings (quote numbers). Settings the operator owns (listen_addresses, port, wal_level, ...) are refused.")
  @Size(max = MAX_PARAMETERS)
  @ValidationRule(value = "self.all(k, k.matches('" + PARAMETER_NAME_PATTERN + "'))",
      message = "parameter names must be lower-case postgresql.conf setting names")
  @ValidationRule(value = "self.all(k, !(k in " + OWNED_PARAMETERS_CEL + "))",
      message = "parameters must not set operator-owned settings " + OWNED_PARAMETERS_CEL)
  private Map<String, String> parameters;

  @JsonPropertyDescription("Automatic failover of the primary: when, and how much data it may lose.")
  private FailoverSpec failover;

  public Integer getInstances() {
    return instances;
  }

  public void setInstances(Integer instances) {
    this.instances = instances;
  }

  public Integer getPostgresVersion() {
    return postgresVersion;
  }

  public void setPostgresVersion(Integer postgresVersion) {
    this.postgresVersion = postgresVersion;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public StorageSpec getStorage() {
    return storage;
  }

  public void setStorage(StorageSpec storage) {
    this.storage = storage;
  }

  public ResourcesSpec getResources() {
    return resources;
  }

  public void setResources(ResourcesSpec resources) {
    this.resources = resources;
  }

  public String getDatabase() {
    return database;
  }

  public void setDatabase(String database) {
    this.database = database;
  }

  /** The lag bound as written, {@value #DEFAULT_MAX_STANDBY_LAG} when unset. */
  public String getMaxStandbyLag() {
    return maxStandbyLag;
  }

  public void setMaxStandbyLag(String maxStandbyLag) {
    this.maxStandbyLag = maxStandbyLag;
  }

  public String getOwner() {
    return owner;
  }

  public void setOwner(String owner) {
    this.owner = owner;
  }

  public Map<String, String> getParameters() {
    return parameters;
  }

  public void setParameters(Map<String, String> parameters) {
    this.parameters = parameters == null ? null : new LinkedHashMap<>(parameters);
  }

  public FailoverSpec getFailover() {
    return failover;
  }

  public void setFailover(FailoverSpec failover) {
    this.failover = failover;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PostgresClusterSpec other)) {
      return false;
    }
    return Objects.equals(instances, other.instances)
        && Objects.equals(postgresVersion, other.postgresVersion)
        && Objects.equals(image, other.image)
        && Objects.equals(storage, other.storage)
        && Objects.equals(resources, other.resources)
        && Objects.equals(database, other.database)
        && Objects.equals(owner, other.owner)
        && Objects.equals(maxStandbyLag, other.maxStandbyLag)
        && Objects.equals(parameters, other.parameters)
        && Objects.equals(failover, other.failover);
  }

  @Override
  public int hashCode() {
    return Objects.hash(instances, postgresVersion, image, storage, resources, database, owner,
        maxStandbyLag, parameters, failover);
  }

  @Override
  public String toString() {
    return "PostgresClusterSpec{instances=" + instances + ", postgresVersion=" + postgresVersion
        + ", image=" + image + ", storage=" + storage + ", resources=" + resources
        + ", database=" + database + ", owner=" + owner + ", maxStandbyLag=" + maxStandbyLag
        + ", parameters=" + parameters + ", failover=" + failover + '}';
  }
}
