package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgoperator.runtime.testing.Await;

/**
 * Makes the API server refuse every Service create in one namespace, with a
 * ValidatingAdmissionPolicy (CEL, evaluated by kube-apiserver itself): a failure that is not
 * the operator's fault and lasts until it is removed.
 */
final class ServiceCreateDenial implements AutoCloseable {

  static final String MESSAGE = "Service creation is frozen in this namespace";

  private final OperatorHarness op;
  private final ValidatingAdmissionPolicy policy;
  private final ValidatingAdmissionPolicyBinding binding;

  private ServiceCreateDenial(OperatorHarness op, ValidatingAdmissionPolicy policy,
      ValidatingAdmissionPolicyBinding binding) {
    this.op = op;
    this.policy = policy;
    this.binding = binding;
  }

  static ServiceCreateDenial install(OperatorHarness op) {
    String name = "deny-services-" + op.namespace;
    ValidatingAdmissionPolicy policy = new ValidatingAdmissionPolicyBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec()
        .withFailurePolicy("Fail")
        .withNewMatchConstraints()
        .addNewResourceRule()
        .withApiGroups("").withApiVersions("v1").withOperations("CREATE").withResources("services")
        .endResourceRule()
        .endMatchConstraints()
        .addNewValidation().withExpression("false").withMessage(MESSAGE).endValidation()
        .endSpec()
        .build();
    ValidatingAdmissionPolicyBinding binding = new ValidatingAdmissionPolicyBindingBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec()
        .withPolicyName(name)
        .withValidationActions("Deny")
        .withNewMatchResources()
        .withNewNamespaceSelector()
        .addToMatchLabels("kubernetes.io/metadata.name", op.namespace)
        .endNamespaceSelector()
        .endMatchResources()
        .endSpec()
        .build();
    op.client.resource(policy).create();
    op.client.resource(binding).create();
    ServiceCreateDenial denial = new ServiceCreateDenial(op, policy, binding);
    // The API server loads policies asynchronously: wait until a probe Service is refused.
    Await.until("the admission policy to deny Services", denial::deniesProbe);
    return denial;
  }

  private boolean deniesProbe() {
    try {
      op.client.services().inNamespace(op.namespace).resource(new ServiceBuilder()
          .withNewMetadata().withName("admission-probe").endMetadata()
          .withNewSpec().addNewPort().withPort(1).endPort().endSpec().build()).create();
      op.client.services().inNamespace(op.namespace).withName("admission-probe").delete();
      return false;
    } catch (KubernetesClientException e) {
      return e.getMessage().contains(MESSAGE);
    }
  }

  @Override
  public void close() {
    op.client.resource(binding).delete();
    op.client.resource(policy).delete();
  }
}
