package io.pgoperator.app.sizing;

import java.time.Duration;
import java.util.List;

/** The results table: one row per profile and cluster count, memory in MiB. */
final class SizingReport {

  private static final double MIB = 1024.0 * 1024.0;

  /** How long a profile's JVM took to answer /readyz 200 as leader, and the CPU it used for it. */
  record Startup(String profile, Duration ready, Duration cpu, long rss) {}

  private SizingReport() {}

  static String render(String header, List<JvmProfile> profiles, List<Startup> startups, List<Step> steps) {
    StringBuilder out = new StringBuilder(header).append("\n\nJVM profiles (the image's ENTRYPOINT flags, then these):\n");
    for (JvmProfile p : profiles) {
      out.append(String.format("  %-7s %-6s %s%n", p.name(), p.container(), String.join(" ", p.flags())));
    }
    out.append("\nStartup (to /readyz 200 and leading):\n");
    for (Startup s : startups) {
      out.append(String.format("  %-7s %6.1f s wall, %5.1f s CPU, RSS %5.0f MiB%n", s.profile(), seconds(s.ready()),
          seconds(s.cpu()), s.rss() / MIB));
    }
    String row = "%-7s %5s %6s %9s %8s %8s %6s | %6s %6s %6s | %6s %6s %6s %6s | %6s %6s %6s | %4s%n";
    out.append("\nMemory in MiB, sampled at the end of the idle window; 'live' = heap used after a full GC.\n");
    out.append(String.format(row, "profile", "N", "kids", "reconcile", "rec CPU", "idle CPU", "idle", "RSS", "anon", "peak",
        "heap", "live", "commit", "max", "meta", "nonhp", "direct", "thr"));
    out.append(String.format(row, "", "", "", "s", "s", "%", "recs", "", "", "RSS", "used", "", "", "", "", "", "", ""));
    for (Step s : steps) {
      if (!s.exit().isEmpty()) {
        out.append(String.format("%-7s %5d   operator exited: %s%n", s.profile(), s.clusters(), s.exit()));
        continue;
      }
      out.append(String.format(row, s.profile(), s.clusters(), s.children(),
          s.reconcile() == null ? "-" : String.format("%.1f", seconds(s.reconcile())),
          s.reconcileCpu() == null ? "-" : String.format("%.1f", seconds(s.reconcileCpu())),
          String.format("%.2f", s.idleCpuPercent()), s.idleReconciles(),
          mib(s.rss()), mib(s.rssAnon()), mib(s.peakRss()), mib(s.heapUsed()), mib(s.heapLive()), mib(s.heapCommitted()), mib(s.heapMax()),
          mib(s.metaspace()), mib(s.nonHeap()), mib(s.direct()), s.threads()));
    }
    return out.toString();
  }

  private static String mib(double bytes) {
    return bytes < 0 ? "-" : String.format("%.0f", bytes / MIB);
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
