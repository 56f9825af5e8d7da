package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * A cluster's children as the informer caches hold them (null: not cached). Cached objects are
 * shared with the informers: never modify them.
 */
record Observed(
    Secret credentials,
    Secret internalCredentials,
    Secret ca,
    Secret serverTls,
    ConfigMap config,
    ConfigMap state,
    Service headless,
    Service readWrite,
    Service readOnly,
    StatefulSet statefulSet,
    PodDisruptionBudget disruptionBudget) {

  static Observed nothing() {
    return new Observed(null, null, null, null, null, null, null, null, null, null, null);
  }
}
