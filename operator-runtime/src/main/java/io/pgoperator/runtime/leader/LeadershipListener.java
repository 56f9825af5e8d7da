package io.pgoperator.runtime.leader;

/** Told when this replica starts and stops leading. Called on the elector's context. */
public interface LeadershipListener {

  void startedLeading(LeaderTerm term);

  void stoppedLeading(LeaderTerm term);
}
