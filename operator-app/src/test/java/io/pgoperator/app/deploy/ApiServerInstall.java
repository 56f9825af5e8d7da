package io.pgoperator.app.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgoperator.app.deploy.DeployManifests.Rendered;
import java.util.concurrent.TimeUnit;

/** Puts rendered objects from deploy/ on an API server with an admin client (server-side apply, idempotent). */
final class ApiServerInstall {

  private ApiServerInstall() {}

  /** The operator's Namespace and the CRD, waiting until the CRD serves PostgresClusters. */
  static void namespaceAndCrd(KubernetesClient admin) {
    Rendered rendered = DeployManifests.base();
    apply(admin, rendered.one(Namespace.class));
    CustomResourceDefinition crd = rendered.one(CustomResourceDefinition.class);
    apply(admin, crd);
    io.pgoperator.runtime.testing.Envtest.get().awaitEstablished(crd.getMetadata().getName());
  }

  static void apply(KubernetesClient admin, HasMetadata object) {
    admin.resource(object).fieldManager("deploy-test").forceConflicts().serverSideApply();
  }
}
