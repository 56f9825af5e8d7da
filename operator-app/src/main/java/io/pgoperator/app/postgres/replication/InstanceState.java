package io.pgoperator.app.postgres.replication;

/**
 * What one instance says of itself, read in one query.
 *
 * @param inRecovery a standby (or a primary not promoted yet)
 * @param systemIdentifier its database system identifier
 * @param timeline the timeline it writes (a primary) or last replayed a checkpoint of (a standby)
 * @param walPosition bytes of WAL it holds: a primary's flushed WAL, a standby's received (or, when
 *     it does not stream, replayed) WAL; what a promotion would keep
 */
public record InstanceState(boolean inRecovery, String systemIdentifier, int timeline, long walPosition) {
}
