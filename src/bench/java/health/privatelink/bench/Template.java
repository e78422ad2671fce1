package health.privatelink.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the deployed function is given in template.yaml and the benchmark copies: its memory size
 * and its JAVA_TOOL_OPTIONS, if any.
 */
record Template(int memoryMb, Optional<String> javaToolOptions) {

  static Template read(Path path) throws IOException {
    String template = Files.readString(path);
    Matcher memory = Pattern.compile("(?m)^\\s+MemorySize:\\s*(\\d+)").matcher(template);
    if (!memory.find()) {
      throw new IllegalStateException("template.yaml has no MemorySize");
    }
    Matcher tool = Pattern.compile("(?m)^\\s+JAVA_TOOL_OPTIONS:\\s*(.+)$").matcher(template);
    return new Template(
        Integer.parseInt(memory.group(1)),
        tool.find()
            ? Optional.of(tool.group(1).trim().replaceAll("^\"|\"$", ""))
            : Optional.empty());
  }
}
