package health.privatelink.alert;

import health.privatelink.Deadline;
import java.util.Objects;

/**
 * Until when each step of a run's alerting may go on, handed out by the run's time plan: the
 * alerting reads these and splits no time of its own.
 *
 * @param readBy until when the state read is waited for; a read not done by then is given up
 * @param writeBy until when claims are written to the state store
 * @param publishBy until when the message may be published while claimed state would have to be put
 *     back in the store should the publish fail
 * @param end until when anything may run: a publish when the store is down, and putting claimed
 *     state back; what follows it (the log lines, the return) fits before the publishing deadline
 */
public record AlertDeadlines(Deadline readBy, Deadline writeBy, Deadline publishBy, Deadline end) {
  public AlertDeadlines {
    Objects.requireNonNull(readBy, "readBy");
    Objects.requireNonNull(writeBy, "writeBy");
    Objects.requireNonNull(publishBy, "publishBy");
    Objects.requireNonNull(end, "end");
  }
}
