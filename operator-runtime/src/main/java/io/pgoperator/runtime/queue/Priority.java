package io.pgoperator.runtime.queue;

/**
 * Which ready keys a worker gets first. Live watch events name objects that just changed, so
 * they go before the bulk of keys from an initial list, a resync or a leadership takeover, which
 * would otherwise delay a user's edit behind a thousand no-op reconciles.
 */
public enum Priority {
  /** Keys from live watch events (and retries of them). */
  HIGH,
  /** Keys from the initial list, periodic resync, leadership takeover. */
  LOW
}
