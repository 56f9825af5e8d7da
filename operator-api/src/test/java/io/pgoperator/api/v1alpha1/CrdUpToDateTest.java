package io.pgoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CrdUpToDateTest {

  @Test
  void checkedInCrdMatchesTheOneGeneratedFromTheTypes() {
    Path checkedIn = GeneratedCrd.deployFile("crd/" + GeneratedCrd.FILE_NAME);
    CustomResourceDefinition expected = GeneratedCrd.generated();
    CustomResourceDefinition actual =
        Serialization.unmarshal(GeneratedCrd.read(checkedIn), CustomResourceDefinition.class);

    assertThat(actual)
        .withFailMessage(() -> checkedIn + " is stale: the API types changed but the checked-in"
            + " CRD was not regenerated. Run `" + GeneratedCrd.REGENERATE + "` from the"
            + " repository root and commit the result.")
        .isEqualTo(expected);
  }
}
