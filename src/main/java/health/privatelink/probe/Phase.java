package health.privatelink.probe;

/** The step a check is in; a timeout is classified by the step it interrupted. */
public enum Phase {
  DNS,
  CONNECT,
  TLS_HANDSHAKE,
  HTTP,
  DONE
}
