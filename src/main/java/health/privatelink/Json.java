package health.privatelink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON into plain values ({@code Map}, {@code List}, {@code String}, {@code Long}, {@code
 * Double}, {@code Boolean}, {@code null}) with jackson-core's streaming parser, so that
 * configuration and events are read without reflection.
 */
public final class Json {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxStringLength(1 << 20)
                  .maxNumberLength(32)
                  .build())
          .build();

  private Json() {}

  /** The factory every reader and writer of the project shares. */
  public static JsonFactory factory() {
    return FACTORY;
  }

  /**
   * Parses one JSON document.
   *
   * @param what names the input in the error, e.g. {@code TARGETS}
   * @throws BadInputException naming {@code what} when the text is not one JSON value
   */
  public static Object parse(String text, String what) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      return parseDocument(parser, what);
    } catch (JsonProcessingException e) {
      throw invalid(what, e);
    } catch (IOException e) {
      throw new BadInputException(what + " could not be read: " + e.getMessage());
    }
  }

  /**
   * Parses one JSON document from a stream of UTF-8, as {@link #parse(String, String)}. The bytes
   * are decoded as UTF-8 first (malformed sequences become U+FFFD), so no guess at another encoding
   * can fail outside the parser's own errors.
   */
  public static Object parse(InputStream in, String what) throws IOException {
    return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), what);
  }

  private static Object parseDocument(JsonParser parser, String what) throws IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      throw new BadInputException(what + " is not valid JSON: it is empty");
    }
    Object value = read(parser, first);
    if (parser.nextToken() != null) {
      throw new BadInputException(
          what
              + " is not valid JSON: unexpected text after the value at column "
              + parser.currentLocation().getColumnNr());
    }
    return value;
  }

  private static BadInputException invalid(String what, JsonProcessingException e) {
    var location = e.getLocation();
    String where =
        location == null
            ? ""
            : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    return new BadInputException(what + " is not valid JSON: " + e.getOriginalMessage() + where);
  }

  private static Object read(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> {
        Map<String, Object> object = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
          String key = parser.currentName();
          object.put(key, read(parser, parser.nextToken()));
        }
        yield object;
      }
      case START_ARRAY -> {
        List<Object> array = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          array.add(read(parser, t));
        }
        yield array;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT ->
          parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? (Object) parser.getDoubleValue()
              : (Object) parser.getLongValue();
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case END_OBJECT, END_ARRAY, FIELD_NAME, NOT_AVAILABLE, VALUE_EMBEDDED_OBJECT ->
          throw new IOException("unexpected JSON token " + token);
    };
  }

  /** A short description of a value for error messages: {@code "abc"}, {@code 0}, an object. */
  public static String describe(Object value) {
    return switch (value) {
      case null -> "null";
      case String s -> quote(s);
      case Map<?, ?> m -> "an object";
      case List<?> l -> "an array";
      case Double d when d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15 ->
          String.valueOf(d);
      default -> String.valueOf(value);
    };
  }

  /** Quotes text for an error message, cut to 100 characters. */
  public static String quote(String s) {
    String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
    StringBuilder out = new StringBuilder("\"");
    for (char c : cut.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
