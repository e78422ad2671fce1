package health.privatelink.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** What Linux's /proc says about a process and the machine. */
final class Proc {
  private Proc() {}

  /** User plus system CPU time the process has used so far, in milliseconds (100 ticks/s). */
  static double cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After the command name: state is field 3, utime field 14 and stime field 15.
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10.0;
  }

  /** The process's peak resident set (VmHWM), in kilobytes; 0 when the kernel does not say. */
  static long peakRssKb(long pid) throws IOException {
    long hwm = 0;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        hwm = Long.parseLong(line.replaceAll("\\D+", ""));
      }
    }
    return hwm;
  }

  /** The 1, 5 and 15 minute load averages, or "unknown". */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The first CPU's model name, or the architecture when /proc/cpuinfo does not name one. */
  static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse(System.getProperty("os.arch"));
    } catch (IOException e) {
      return System.getProperty("os.arch");
    }
  }

  /** The machine's memory (MemTotal), in kilobytes. */
  static OptionalLong memTotalKb() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("\\D+", "")))
          .findFirst();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }
}
