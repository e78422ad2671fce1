package health.privatelink.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The cold-start floor: a handler that does nothing, run under the same runtime interface client
 * and JVM flags as the function. No function on this runtime can start faster.
 */
public final class NoopHandler implements RequestStreamHandler {
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    input.readAllBytes();
    output.write('{');
    output.write('}');
  }
}
