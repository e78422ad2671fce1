package health.privatelink.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The process's peak resident set and its heap after the runs, in kilobytes. */
record Memory(long peakRssKb, long heapCommittedKb, long heapUsedKb) {
  /** The serial collector's generations, as {@code jcmd GC.heap_info} names them. */
  private static final Pattern GENERATION =
      Pattern.compile(
          "(?m)^\\s*(?:def new generation|tenured generation|DefNew|Tenured)\\s+total (\\d+)K,"
              + " used (\\d+)K");

  /** Read with the jcmd of {@code javaHome}, the runtime the process runs on. */
  static Memory of(Process process, Path javaHome) throws IOException, InterruptedException {
    long hwm = Proc.peakRssKb(process.pid());
    String jcmd = javaHome.resolve("bin").resolve("jcmd").toString();
    Process info =
        new ProcessBuilder(jcmd, String.valueOf(process.pid()), "GC.heap_info")
            .redirectErrorStream(true)
            .start();
    String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    info.waitFor();
    long committed = 0;
    long used = 0;
    Matcher m = GENERATION.matcher(text);
    while (m.find()) {
      committed += Long.parseLong(m.group(1));
      used += Long.parseLong(m.group(2));
    }
    return new Memory(hwm, committed, used);
  }
}
