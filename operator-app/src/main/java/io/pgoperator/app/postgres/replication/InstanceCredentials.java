package io.pgoperator.app.postgres.replication;

/**
 * How the operator logs in to a cluster's instances: its own role's password, and the cluster's
 * CA certificate (PEM) to verify the server with.
 */
public record InstanceCredentials(String password, String caCertificatePem) {

  @Override
  public String toString() {
    return "InstanceCredentials[password=***]";
  }
}
