package io.pgoperator.app.failover;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * When this JVM first saw an object satisfy a condition, through a watch: milliseconds-precise
 * where polling would add its own interval. Start it before the action being timed.
 */
final class FirstSeen<T extends HasMetadata> implements Watcher<T>, AutoCloseable {

  /** When, in both clocks: nanoTime for durations, wall time to line up with the audit log. */
  record Moment(long nanos, Instant wall) {}

  private final String what;
  private final Predicate<T> condition;
  private final CompletableFuture<Moment> seen = new CompletableFuture<>();
  private Watch watch;

  private FirstSeen(String what, Predicate<T> condition) {
    this.what = what;
    this.condition = condition;
  }

  static <T extends HasMetadata> FirstSeen<T> watch(String what, Resource<T> resource, Predicate<T> condition) {
    FirstSeen<T> first = new FirstSeen<>(what, condition);
    first.watch = resource.watch(first);
    return first;
  }

  @Override
  public void eventReceived(Action action, T resource) {
    if (!seen.isDone() && action != Action.DELETED && condition.test(resource)) {
      seen.complete(new Moment(System.nanoTime(), Instant.now()));
    }
  }

  @Override
  public void onClose(WatcherException cause) {
    seen.completeExceptionally(new IllegalStateException("the watch for " + what + " closed", cause));
  }

  Moment await(Duration deadline) {
    try {
      return seen.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not seen within " + deadline + ": " + what, e);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
