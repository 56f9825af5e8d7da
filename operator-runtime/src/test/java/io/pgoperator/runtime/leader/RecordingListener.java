package io.pgoperator.runtime.leader;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Records what an elector tells its listeners, as "started N" / "stopped N". */
final class RecordingListener implements LeadershipListener {

  final List<String> events = new ArrayList<>();
  final List<LeaderTerm> terms = new ArrayList<>();
  Consumer<LeaderTerm> onStopped = t -> {};

  @Override
  public void startedLeading(LeaderTerm term) {
    events.add("started " + term.number());
    terms.add(term);
  }

  @Override
  public void stoppedLeading(LeaderTerm term) {
    events.add("stopped " + term.number());
    onStopped.accept(term);
  }
}
