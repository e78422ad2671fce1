package health.privatelink.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An AWS endpoint speaking the query protocol (SNS, EC2): each request is a form whose {@code
 * Action} names the call, decoded by {@link QueryProtocol}.
 *
 * @param <S> the server itself, so that scripting calls chain
 */
public abstract class QueryTestServer<S extends QueryTestServer<S>> extends AwsTestServer<S> {

  @Override
  protected final Decoded decode(
      String method, String path, Map<String, List<String>> headers, byte[] body) {
    Map<String, String> params = QueryProtocol.decode(new String(body, StandardCharsets.UTF_8));
    return new Decoded(params.getOrDefault("Action", ""), params, null);
  }
}
