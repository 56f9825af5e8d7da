package io.pgoperator.app.postgres;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pgoperator.runtime.kube.KubeCalls;
import io.pgoperator.runtime.time.Clock;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes core/v1 Events about a PostgresCluster, as client-go's recorder does:
 * Normal when a child is created, changed or deleted, Warning on failures and invalid specs.
 * Duplicates within {@link #WINDOW} are dropped ({@link EventDedup}). Writes go through
 * {@link KubeCalls#write} (fenced like any other write) and never fail the caller: a lost event
 * is logged, not retried.
 */
public final class EventRecorder {

  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";
  /** {@code source.component}, as kubectl describe shows it. */
  public static final String COMPONENT = "pg-operator";
  /** {@code reportingComponent}: the controller's qualified name. */
  public static final String REPORTING_CONTROLLER = "postgres.example.com/pg-operator";
  static final Duration WINDOW = Duration.ofMinutes(10);
  static final int CAPACITY = 4096;
  /** The API server stores longer messages, but nobody reads past this in kubectl describe. */
  static final int MAX_MESSAGE = 1024;

  private final KubeCalls calls;
  private final Clock clock;
  private final String instance;
  private final EventDedup dedup;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param instance {@code reportingInstance}: this replica's name, e.g. the pod name
   */
  public EventRecorder(KubeCalls calls, Clock clock, String instance) {
    this.calls = calls;
    this.clock = clock;
    this.instance = instance;
    this.dedup = new EventDedup(clock, WINDOW, CAPACITY);
  }

  /** The pod name (HOSTNAME in a pod), else the component name. */
  public static String localInstance() {
    String host = System.getenv("HOSTNAME");
    return host == null || host.isBlank() ? COMPONENT : host;
  }

  public Future<Void> normal(HasMetadata regarding, String reason, String message) {
    return record(regarding, NORMAL, reason, message);
  }

  public Future<Void> warning(HasMetadata regarding, String reason, String message) {
    return record(regarding, WARNING, reason, message);
  }

  private Future<Void> record(HasMetadata regarding, String type, String reason, String message) {
    String text = message.length() <= MAX_MESSAGE ? message
        : message.substring(0, MAX_MESSAGE - 3) + "...";
    EventDedup.Key key = new EventDedup.Key(regarding.getMetadata().getUid(), type, reason, text);
    if (!dedup.shouldRecord(key)) {
      return Future.succeededFuture();
    }
    Event event = build(regarding, type, reason, text);
    String namespace = regarding.getMetadata().getNamespace();
    return calls.write("record event " + reason + " for " + namespace + "/"
            + regarding.getMetadata().getName(),
            client -> client.v1().events().inNamespace(namespace).resource(event).create())
        .<Void>mapEmpty()
        .recover(error -> {
          // A fenced or failed event must not hide the next occurrence.
          dedup.forget(key);
          log.warn("could not record {} event {} for {} {}/{}: {}", type, reason,
              regarding.getKind(), namespace, regarding.getMetadata().getName(), error.toString());
          return Future.succeededFuture();
        });
  }

  EventDedup dedupForTests() {
    return dedup;
  }

  Event build(HasMetadata regarding, String type, String reason, String message) {
    Instant now = clock.wallTime();
    String timestamp = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    long unique = now.getEpochSecond() * 1_000_000_000L + now.getNano() + sequence.incrementAndGet();
    return new EventBuilder()
        .withNewMetadata()
        // client-go's naming: <object>.<hex nanos>
        .withName(regarding.getMetadata().getName() + "." + Long.toHexString(unique))
        .withNamespace(regarding.getMetadata().getNamespace())
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(regarding.getApiVersion())
        .withKind(regarding.getKind())
        .withNamespace(regarding.getMetadata().getNamespace())
        .withName(regarding.getMetadata().getName())
        .withUid(regarding.getMetadata().getUid())
        .withResourceVersion(regarding.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(REPORTING_CONTROLLER)
        .withReportingInstance(instance)
        .withFirstTimestamp(timestamp)
        .withLastTimestamp(timestamp)
        .withCount(1)
        .build();
  }
}
