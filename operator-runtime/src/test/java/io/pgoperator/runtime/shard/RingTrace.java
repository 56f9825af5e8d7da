package io.pgoperator.runtime.shard;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Routes the ring's log lines into the running {@link RingSim}'s trace (prefixed with the replica
 * whose task logged them) instead of the console, so a failing seed prints what each ring did.
 */
final class RingTrace extends AppenderBase<ILoggingEvent> {

  private static final Logger LOGGER = (Logger) LoggerFactory.getLogger("io.pgoperator.runtime.shard");
  private static RingTrace installed;
  private static Level level;
  private static boolean additive;
  private RingSim sim;

  static void install() {
    level = LOGGER.getLevel();
    additive = LOGGER.isAdditive();
    installed = new RingTrace();
    installed.setContext(LOGGER.getLoggerContext());
    installed.start();
    LOGGER.addAppender(installed);
    LOGGER.setAdditive(false);
    LOGGER.setLevel(Level.INFO);
  }

  static void uninstall() {
    LOGGER.detachAppender(installed);
    LOGGER.setAdditive(additive);
    LOGGER.setLevel(level);
  }

  static void into(RingSim sim) {
    installed.sim = sim;
  }

  @Override
  protected void append(ILoggingEvent event) {
    RingSim target = sim;
    if (target != null) {
      target.log("  [" + ReplicaClock.running + "] " + event.getLevel() + " " + event.getFormattedMessage());
    }
  }
}
