package health.privatelink.aws;

import health.privatelink.Deadline;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/**
 * The one rule for how long a call to AWS may take and how often it is tried, for CloudWatch, SNS,
 * DynamoDB and EC2 alike.
 *
 * <ul>
 *   <li>A call gets all the time left before its deadline, and is not started with less than {@link
 *       #MIN_CALL_TIME}: it could not finish.
 *   <li>One attempt gets half the call's time, so that a hung first attempt leaves room for a
 *       retry, but at least {@link #MIN_ATTEMPT_TIME} (or the whole call when less is left): a
 *       client's first call on a cold start loads classes, resolves credentials and shakes hands,
 *       which can take most of a second, and an attempt cut shorter would fail a healthy endpoint.
 *       Half of a short budget alone (the old alerter rule) did exactly that.
 *   <li>At most {@link #MAX_ATTEMPTS} attempts: with attempts of half the time, more than two slow
 *       ones never fit; the third is for a fast failure (throttling, a 5xx) followed by a slow
 *       answer. More only add backoff sleeps that the deadline cuts anyway.
 *   <li>The endpoints are regional or VPC endpoints, so a TCP connect takes milliseconds: {@link
 *       #CONNECT_TIMEOUT} means the path is broken, not slow. {@link #SOCKET_TIMEOUT} is a backstop
 *       for a blocked read that an abort at the attempt timeout fails to reach.
 * </ul>
 */
public final class CallLimits {
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);
  public static final int MAX_ATTEMPTS = 3;
  public static final Duration MIN_CALL_TIME = Duration.ofMillis(50);
  public static final Duration MIN_ATTEMPT_TIME = Duration.ofSeconds(1);

  /** What a call not started for lack of time reads as, in every caller's error. */
  public static final String NO_TIME_LEFT = "no time left before the deadline";

  private CallLimits() {}

  /** The time a call may take: all that is left, or empty when too little is left to start one. */
  public static Optional<Duration> callTime(Deadline deadline) {
    Duration left = deadline.remaining();
    return left.compareTo(MIN_CALL_TIME) < 0 ? Optional.empty() : Optional.of(left);
  }

  /** The time one attempt of a call given {@code callTime} may take. */
  public static Duration attemptTime(Duration callTime) {
    Duration half = callTime.dividedBy(2);
    Duration attempt = half.compareTo(MIN_ATTEMPT_TIME) >= 0 ? half : MIN_ATTEMPT_TIME;
    return attempt.compareTo(callTime) <= 0 ? attempt : callTime;
  }

  /**
   * The SDK request settings that end a call, retries included, by {@code deadline}; empty when too
   * little time is left to start it, which the caller reports as it reports a failed call.
   */
  public static Optional<AwsRequestOverrideConfiguration> within(Deadline deadline) {
    return callTime(deadline)
        .map(left ->
            AwsRequestOverrideConfiguration.builder()
                .apiCallTimeout(left)
                .apiCallAttemptTimeout(attemptTime(left))
                .build());
  }
}
