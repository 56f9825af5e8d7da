package io.pgoperator.runtime.source;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** A custom resource whose CRD one test installs only after an informer for it was refused. */
@Group("late-installed.example.com")
@Version("v1")
public class LateWidget extends CustomResource<Void, Void> implements Namespaced {
}
