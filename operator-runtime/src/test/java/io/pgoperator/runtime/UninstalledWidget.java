package io.pgoperator.runtime;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** A custom resource whose CRD no test installs: an informer for it never syncs. */
@Group("never-installed.example.com")
@Version("v1")
public class UninstalledWidget extends CustomResource<Void, Void> implements Namespaced {
}
