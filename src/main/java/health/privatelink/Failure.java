package health.privatelink;

import java.util.Objects;

/** A failed step of a check: one reason from the closed set and a detail a person can act on. */
public record Failure(Reason reason, String detail) {
  public Failure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}
