package health.privatelink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a CloudFormation YAML template into maps, lists and strings, rewriting short-form tags
 * ({@code !Ref X}, {@code !GetAtt A.B}, {@code !Sub ...}) into the long form CloudFormation uses
 * ({@code {Ref: X}}, {@code {Fn::GetAtt: [A, B]}}, {@code {Fn::Sub: ...}}). Scalars stay strings.
 */
final class CloudFormationYaml {
  private CloudFormationYaml() {}

  /** The template's top-level mapping. */
  static Map<String, Object> read(Path path) throws IOException {
    LoadSettings settings = LoadSettings.builder().setLabel(path.toString()).build();
    // Composing stops before construction, so tags YAML does not know are kept, not rejected.
    Node root =
        new Compose(settings)
            .composeString(Files.readString(path))
            .orElseThrow(() -> new IllegalArgumentException(path + " is empty"));
    return asMap(convert(root), path.toString());
  }

  /** A mapping's entries, for values {@link #read} produced. */
  static Map<String, Object> asMap(Object value, String where) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(where + " is not a mapping: " + value);
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put((String) k, v));
    return copy;
  }

  private static Object convert(Node node) {
    Object value =
        switch (node) {
          case ScalarNode scalar -> scalar.getValue();
          case SequenceNode sequence ->
              sequence.getValue().stream().map(CloudFormationYaml::convert).toList();
          case MappingNode mapping -> mapping(mapping);
          default ->
              throw new IllegalArgumentException("unexpected YAML node " + node.getNodeType());
        };
    String tag = node.getTag().getValue();
    if (!tag.startsWith("!")) {
      return value;
    }
    String function = tag.substring(1);
    return switch (function) {
      case "Ref", "Condition" -> Map.of(function, value);
      case "GetAtt" ->
          Map.of(
              "Fn::GetAtt",
              value instanceof String dotted ? List.of(dotted.split("\\.", 2)) : value);
      default -> Map.of("Fn::" + function, value);
    };
  }

  private static Map<String, Object> mapping(MappingNode node) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (NodeTuple tuple : node.getValue()) {
      String key = ((ScalarNode) tuple.getKeyNode()).getValue();
      // CloudFormation rejects duplicate keys; a YAML loader would keep the last one silently.
      if (map.put(key, convert(tuple.getValueNode())) != null) {
        throw new IllegalArgumentException(
            "duplicate key "
                + key
                + tuple.getKeyNode().getStartMark().map(m -> " at" + m).orElse(""));
      }
    }
    return map;
  }
}
