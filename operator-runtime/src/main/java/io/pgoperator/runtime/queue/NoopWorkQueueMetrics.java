package io.pgoperator.runtime.queue;

final class NoopWorkQueueMetrics implements WorkQueueMetrics {

  static final NoopWorkQueueMetrics INSTANCE = new NoopWorkQueueMetrics();

  private NoopWorkQueueMetrics() {}

  @Override
  public void added(Object key) {}

  @Override
  public void depth(int readyKeys) {}

  @Override
  public void taken(Object key) {}

  @Override
  public void done(Object key) {}

  @Override
  public void retried(Object key) {}

  @Override
  public double unfinishedWorkSeconds() {
    return 0;
  }

  @Override
  public double longestRunningProcessorSeconds() {
    return 0;
  }
}
