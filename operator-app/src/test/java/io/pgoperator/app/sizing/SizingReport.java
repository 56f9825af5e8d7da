package io.pgoperator.app.sizing;

import java.time.Duration;
import java.util.List;

/** The results table: one row per runtime, profile, role and cluster count, memory in MiB. */
final class SizingReport {

  private static final double MIB = 1024.0 * 1024.0;

  /** How long a replica's JVM took to answer /readyz 200 (the leader: and to lead), and the CPU it used for it. */
  record Startup(String runtime, String profile, String role, Duration ready, Duration cpu, long rss) {}

  /** What ran: a runtime and profile, with the flags it ran with. */
  record Setup(String runtime, String version, String profile, String container, List<String> flags, List<String> dropped) {}

  private SizingReport() {}

  static String render(String header, List<Setup> setups, List<Startup> startups, List<Step> steps) {
    StringBuilder out = new StringBuilder(header).append("\n\nRuntimes and JVM flags (the image's ENTRYPOINT flags, then"
        + " the profile's):\n");
    for (Setup s : setups) {
      out.append(String.format("  %-9s %-7s %-6s Java %s: %s%n", s.runtime(), s.profile(), s.container(), s.version(),
          String.join(" ", s.flags())));
      if (!s.dropped().isEmpty()) {
        out.append(String.format("  %-9s %-7s %-6s (left out, refused or ignored by this runtime: %s)%n", "", "", "",
            String.join(" ", s.dropped())));
      }
    }
    out.append("\nStartup (to /readyz 200; the leader: and leading):\n");
    for (Startup s : startups) {
      out.append(String.format("  %-9s %-7s %-7s %6.1f s wall, %5.1f s CPU, RSS %5.0f MiB%n", s.runtime(), s.profile(),
          s.role(), seconds(s.ready()), seconds(s.cpu()), s.rss() / MIB));
    }
    String row = "%-9s %-7s %-7s %5s %6s %9s %8s %8s %5s | %5s %5s %5s | %5s %5s %6s | %5s %5s %6s | %6s %4s%n";
    out.append("\nMemory in MiB, sampled at the end of the idle window; 'live' = heap used after a full GC; 'thr' = all"
        + " threads of the process.\n");
    out.append(String.format(row, "runtime", "profile", "role", "N", "kids", "reconcile", "rec CPU", "idle CPU", "idle",
        "RSS", "anon", "peak", "heap", "live", "commit", "meta", "nonhp", "direct", "classes", "thr"));
    out.append(String.format(row, "", "", "", "", "", "s", "s", "%", "recs", "", "", "RSS", "used", "", "", "", "", "",
        "", ""));
    for (Step s : steps) {
      if (!s.exit().isEmpty()) {
        out.append(String.format("%-9s %-7s %-7s %5d   operator exited: %s%n", s.runtime(), s.profile(), s.role(),
            s.clusters(), s.exit()));
        continue;
      }
      out.append(String.format(row, s.runtime(), s.profile(), s.role(), s.clusters(), s.children(),
          s.reconcile() == null ? "-" : String.format("%.1f", seconds(s.reconcile())),
          s.reconcileCpu() == null ? "-" : String.format("%.1f", seconds(s.reconcileCpu())),
          String.format("%.2f", s.idleCpuPercent()), s.idleReconciles(),
          mib(s.rss()), mib(s.rssAnon()), mib(s.peakRss()), mib(s.heapUsed()), mib(s.heapLive()), mib(s.heapCommitted()),
          mib(s.metaspace()), mib(s.nonHeap()), mib(s.direct()), s.classes() < 0 ? "-" : Integer.toString(s.classes()),
          s.threads()));
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
