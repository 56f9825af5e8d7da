package io.pgoperator.runtime.shard;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The kubelet's reports on the simulated replicas' Pods, as every ring's {@link MemberPods} sees them. */
final class FakeKubelet {

  private final Map<String, Pod> pods = new ConcurrentHashMap<>();
  private final List<Runnable> watchers = new ArrayList<>();

  /** Reports the operator container of Pod {@code name} (uid {@code name-uid}) terminated at {@code at}. */
  void reportTerminated(String name, Instant at) {
    pods.put(name, new PodBuilder()
        .withNewMetadata().withNamespace("ns").withName(name).withUid(name + "-uid").endMetadata()
        .withNewStatus().withPhase("Running").addNewContainerStatus().withName("operator").withNewState()
        .withNewTerminated().withExitCode(137).withReason("Error")
        // The kubelet's timestamps have whole seconds.
        .withFinishedAt(at.truncatedTo(ChronoUnit.SECONDS).toString()).endTerminated()
        .endState().endContainerStatus().endStatus().build());
    List.copyOf(watchers).forEach(Runnable::run);
  }

  /** One ring's view: changes reach it on its own clock (its context), as an informer's would. */
  MemberPods viewFor(Clock ringClock) {
    return new MemberPods() {
      @Override
      public void start(Runnable onChange) {
        watchers.add(() -> ringClock.setTimer(0, onChange));
      }

      @Override
      public Pod get(String namespace, String name) {
        return pods.get(name);
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
  }
}
