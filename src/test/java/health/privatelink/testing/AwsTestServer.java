package health.privatelink.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What every AWS endpoint under {@code testing/} shares, in the shape of okhttp's MockWebServer: it
 * listens on a free port of 127.0.0.1 once {@code start()} of each server returns, records every
 * request as one {@link Request}, and answers each from a script of {@link Reply replies}: {@link
 * #replyNext} scripts the next calls, {@link #replyAlways} every call after them. A request held by
 * {@link Reply#HANG} is released when the server closes. A request the server cannot decode fails
 * the test through {@link #requests()}.
 *
 * <p>A subclass keeps its protocol: it decodes a body into a {@link Decoded} ({@link #decode}),
 * answers a call the way the service does ({@link #answer}) and says how the service words a
 * failure ({@link #fault}).
 *
 * @param <S> the server itself, so that scripting calls chain
 */
public abstract class AwsTestServer<S extends AwsTestServer<S>> implements AutoCloseable {

  /** How the server answers one request. */
  public enum Reply {
    /** As the service answers the call. */
    OK,
    /** HTTP 500 in the service's wording. */
    SERVER_ERROR,
    /** The service's rate-limit error. */
    THROTTLING,
    /** HTTP 403, as the service answers a role without the permission. */
    DENIED,
    /** Reads the request and never answers, until the server closes. */
    HANG,
    /** Reads the request and closes the connection without a byte of answer. */
    DROP
  }

  /**
   * One request as it arrived.
   *
   * @param method the HTTP method
   * @param path the request path
   * @param headers by lower-case name
   * @param action the operation called: the query protocol's {@code Action}, the JSON protocol's
   *     {@code X-Amz-Target} operation, or the RPC v2 operation in the path
   * @param params the query protocol's form, every parameter ({@code Action} included); empty for
   *     other protocols
   * @param body the decoded body of other protocols (for example a Jackson tree or CBOR values);
   *     null for the query protocol or an empty body
   * @param reply how the server answered it
   */
  public record Request(
      String method,
      String path,
      Map<String, List<String>> headers,
      String action,
      Map<String, String> params,
      Object body,
      Reply reply) {

    /** The first value of a header, or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** A form parameter of the query protocol, or null. */
    public String param(String name) {
      return params.get(name);
    }

    /** The values of query-protocol filter {@code name}, in order; empty without that filter. */
    public List<String> filter(String name) {
      return QueryProtocol.filter(params, name);
    }
  }

  /** What a subclass decoded from a request: see {@link Request} for the fields. */
  protected record Decoded(String action, Map<String, String> params, Object body) {}

  /** An answer: status, headers and body. */
  protected record Response(int status, Map<String, String> headers, byte[] body) {}

  /** A request the service would refuse before reading it: recorded as a failure and answered. */
  protected static final class OffProtocol extends Exception {
    private static final long serialVersionUID = 1L;

    /** The answer the service gives. */
    final transient Response response;

    protected OffProtocol(String message, Response response) {
      super(message);
      this.response = response;
    }
  }

  private HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final Deque<Reply> script = new ArrayDeque<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private Reply otherwise = Reply.OK;

  /**
   * Listens on a free port of 127.0.0.1 and serves; each server's {@code start()} calls it once the
   * server is built.
   */
  protected final S listen() {
    if (server != null) {
      throw new IllegalStateException("the server listens already");
    }
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
    return self();
  }

  /** Decodes a request's body; a failure to decode fails the test through {@link #requests()}. */
  protected abstract Decoded decode(
      String method, String path, Map<String, List<String>> headers, byte[] body)
      throws IOException, OffProtocol;

  /** Answers a call as the service does. */
  protected abstract Response answer(Request request);

  /**
   * The service's answer for a failure: {@link Reply#SERVER_ERROR}, {@link Reply#THROTTLING} or
   * {@link Reply#DENIED}; for {@code cause}, a request the server could not decode or a bug in it.
   */
  protected abstract Response fault(Reply reply, Throwable cause);

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  /** The endpoint to give the client's {@code endpointOverride}. */
  public final URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers every request not scripted by {@link #replyNext} this way. */
  public final synchronized S replyAlways(Reply reply) {
    otherwise = reply;
    return self();
  }

  /** Answers the next requests in this order, then as {@link #replyAlways} says. */
  public final synchronized S replyNext(Reply... replies) {
    script.addAll(List.of(replies));
    return self();
  }

  /** Answers the next {@code count} requests with {@code reply}, then as before. */
  public final synchronized S replyNext(Reply reply, int count) {
    for (int i = 0; i < count; i++) {
      script.add(reply);
    }
    return self();
  }

  /** Drops the replies scripted by {@link #replyNext} and answers {@link Reply#OK} from now on. */
  public final synchronized S recover() {
    script.clear();
    otherwise = Reply.OK;
    return self();
  }

  /**
   * Every request so far, in the order they arrived.
   *
   * @throws AssertionError when a request could not be decoded or the server failed on one
   */
  public final List<Request> requests() {
    if (!failures.isEmpty()) {
      throw new AssertionError(
          "the test server could not serve a request as the protocol says", failures.getFirst());
    }
    return List.copyOf(requests);
  }

  /** The requests for {@code action} so far, in order. */
  public final List<Request> requests(String action) {
    return requests().stream().filter(r -> r.action().equals(action)).toList();
  }

  /** The actions requested so far, in order. */
  public final List<String> actions() {
    return requests().stream().map(Request::action).toList();
  }

  /** Forgets the requests recorded so far, such as those that set a test up. */
  public final void forgetRequests() {
    requests.clear();
  }

  private synchronized Reply nextReply() {
    Reply next = script.pollFirst();
    return next == null ? otherwise : next;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] bytes = exchange.getRequestBody().readAllBytes();
      Map<String, List<String>> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      Decoded decoded;
      try {
        decoded = decode(method, path, headers, bytes);
      } catch (OffProtocol e) {
        // Kept for requests(), so a request off the protocol fails the test that sent it.
        failures.add(e);
        send(exchange, e.response);
        return;
      } catch (IOException | RuntimeException e) {
        failures.add(e);
        send(exchange, fault(Reply.SERVER_ERROR, e));
        return;
      }
      Reply reply = nextReply();
      Request request =
          new Request(
              method, path, headers, decoded.action(), decoded.params(), decoded.body(), reply);
      requests.add(request);
      switch (reply) {
        case OK -> {
          Response response;
          try {
            response = answer(request);
          } catch (RuntimeException e) {
            // A bug here, kept for requests() rather than lost in the server's thread.
            failures.add(e);
            response = fault(Reply.SERVER_ERROR, e);
          }
          send(exchange, response);
        }
        case SERVER_ERROR, THROTTLING, DENIED -> send(exchange, fault(reply, null));
        case HANG -> {
          // Bounded so that a forgotten server cannot hold a thread forever.
          if (!closing.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test server held a request for 60 s");
          }
        }
        case DROP -> {
          // Closing the exchange before any answer closes the connection.
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    response.headers().forEach(exchange.getResponseHeaders()::set);
    exchange.sendResponseHeaders(
        response.status(), response.body().length == 0 ? -1 : response.body().length);
    exchange.getResponseBody().write(response.body());
  }

  /** Releases held requests and stops the server. */
  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
