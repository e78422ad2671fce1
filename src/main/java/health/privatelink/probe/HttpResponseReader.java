package health.privatelink.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an HTTP/1.x response head and, on request, a bounded part of its body. Limits keep a
 * hostile or broken server from costing memory or time. Public for priming, which reads a made-up
 * answer through it at start.
 */
public final class HttpResponseReader {
  static final int MAX_LINE = 8 * 1024;
  static final int MAX_HEAD = 64 * 1024;
  static final int MAX_BODY = 64 * 1024;

  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})(?: (.*))?");

  private final InputStream in;
  private final byte[] buffer = new byte[8192];
  private int position;
  private int limit;
  private int headBytes;

  public HttpResponseReader(InputStream in) {
    this.in = in;
  }

  /** The status line and headers of a final (non-1xx) response. */
  public record Head(int status, String reasonPhrase, Map<String, String> headers) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  public Head readHead() throws IOException {
    while (true) {
      String statusLine = readLine();
      if (statusLine == null) {
        throw new ProtocolError("the connection was closed before an HTTP status line");
      }
      Matcher m = STATUS_LINE.matcher(statusLine);
      if (!m.matches()) {
        throw new ProtocolError("malformed status line " + Excerpt.of(statusLine, 80));
      }
      int status = Integer.parseInt(m.group(1));
      String reason = m.group(2) == null ? "" : m.group(2).strip();
      Map<String, String> headers = readHeaders();
      if (status >= 100 && status < 200 && status != 101) {
        continue; // an interim answer such as 100 Continue: the final one follows
      }
      return new Head(status, reason, headers);
    }
  }

  private Map<String, String> readHeaders() throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    while (true) {
      String line = readLine();
      if (line == null) {
        throw new ProtocolError("the connection was closed inside the response headers");
      }
      if (line.isEmpty()) {
        return headers;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new ProtocolError("malformed header line " + Excerpt.of(line, 80));
      }
      String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
  }

  /**
   * Reads the body until {@code needle} appears, the body ends, or {@link #MAX_BODY} bytes were
   * read; answers whether it appeared, with the bytes read.
   */
  public BodyScan scanBody(Head head, String needle) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    headBytes = 0; // chunk-size lines count against the same cap as the head
    boolean chunked =
        head.header("transfer-encoding") != null
            && head.header("transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked");
    long length = contentLength(head);
    if (head.status() == 204 || head.status() == 304) {
      length = 0;
    }
    if (chunked) {
      while (body.size() < MAX_BODY) {
        String sizeLine = readLine();
        if (sizeLine == null) {
          break;
        }
        int semicolon = sizeLine.indexOf(';');
        String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
        long size;
        try {
          size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new ProtocolError("malformed chunk size " + Excerpt.of(sizeLine, 40));
        }
        if (size == 0 || copy(body, size, needle)) {
          break;
        }
        readLine(); // the CRLF after the chunk data
      }
    } else {
      copy(body, length < 0 ? Long.MAX_VALUE : length, needle);
    }
    String text = body.toString(StandardCharsets.UTF_8);
    return new BodyScan(text.contains(needle), body.size(), text);
  }

  /** How much of the body was read and whether it contained the text looked for. */
  public record BodyScan(boolean found, int bytesRead, String text) {}

  /** Copies up to {@code count} bytes; true when the needle was found or the cap reached. */
  private boolean copy(ByteArrayOutputStream body, long count, String needle) throws IOException {
    long left = count;
    while (left > 0 && body.size() < MAX_BODY) {
      if (position == limit && !fill()) {
        return false;
      }
      int n = (int) Math.min(Math.min(left, limit - position), MAX_BODY - body.size());
      body.write(buffer, position, n);
      position += n;
      left -= n;
      if (body.toString(StandardCharsets.UTF_8).contains(needle)) {
        return true;
      }
    }
    return body.size() >= MAX_BODY;
  }

  private static long contentLength(Head head) throws ProtocolError {
    String value = head.header("content-length");
    if (value == null) {
      return -1;
    }
    try {
      long length = Long.parseLong(value.strip());
      if (length < 0) {
        throw new NumberFormatException();
      }
      return length;
    } catch (NumberFormatException e) {
      throw new ProtocolError("malformed Content-Length " + Excerpt.of(value, 40));
    }
  }

  /** One line without its CRLF (a bare LF is tolerated), or null at the end of the stream. */
  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    while (true) {
      if (position == limit && !fill()) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
      }
      byte b = buffer[position++];
      if (++headBytes > MAX_HEAD) {
        throw new ProtocolError("the response head is larger than " + MAX_HEAD / 1024 + " KiB");
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      if (line.size() >= MAX_LINE) {
        throw new ProtocolError("a response line is longer than " + MAX_LINE / 1024 + " KiB");
      }
      line.write(b);
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      return false;
    }
    position = 0;
    limit = n;
    return true;
  }
}
