package io.pgoperator.app.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgoperator.app.postgres.children.Passwords;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The warm-up walks a whole first reconcile's rendering: every child, serialized as written. */
class WarmUpTest {

  @Test
  void rendersAndSerializesEveryChildOfAClusterWithReplicas() {
    List<String> written = WarmUp.run(Passwords.secure(), Instant.parse("2026-11-30T10:00:00Z"), Serialization::asJson);

    assertThat(written.stream().map(JsonObject::new).map(json -> json.getString("kind") + " "
        + json.getJsonObject("metadata").getString("name")))
        .containsExactlyInAnyOrder("Secret warm-up-ca", "Secret warm-up-internal-credentials",
            "Secret warm-up-credentials", "Secret warm-up-server-tls", "ConfigMap warm-up-config",
            "Service warm-up-pods", "Service warm-up-rw", "Service warm-up-ro", "StatefulSet warm-up",
            "PodDisruptionBudget warm-up");
  }
}
