package io.pgoperator.runtime.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Adjusts the few Micrometer JVM meters whose Prometheus names fail
 * {@code promtool check metrics}, and supplies the standard {@code process_cpu_seconds_total}
 * that Go operators (controller-runtime included) expose, so dashboards work unchanged.
 */
final class PrometheusConventions {

  private PrometheusConventions() {}

  /** Call before binding any meter: filters only affect meters registered after them. */
  static void apply(MeterRegistry registry) {
    registry.config()
        // "process_cpu_time_ns_total": promtool rejects the abbreviated unit.
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
        // "system_cpu_count": promtool reserves the _count suffix for histograms and summaries.
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.cores") : id;
          }
        });
  }

  static void bindProcessCpuSeconds(MeterRegistry registry) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean hotspot
        && hotspot.getProcessCpuTime() >= 0) {
      FunctionCounter.builder("process.cpu", hotspot, bean -> bean.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("Total user and system CPU time spent in seconds.")
          .register(registry);
    }
  }
}
