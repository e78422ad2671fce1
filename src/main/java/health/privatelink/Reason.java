package health.privatelink;

/**
 * Why a check failed: the contract's closed set, each with the hint on-call gets.
 *
 * <p>The names are public interface (metric dimensions, alert attributes, report fields): never
 * rename one.
 */
public enum Reason {
  NXDOMAIN("Private DNS is not enabled on the VPC endpoint, or the function runs outside the VPC"),
  DNS_NODATA("check the private hosted zone / endpoint DNS names"),
  DNS_ERROR("the VPC resolver failed; check VPC DNS settings"),
  DNS_TIMEOUT("resolver unreachable; check VPC DNS resolution is on"),
  NOT_PRIVATE_IP("traffic would leave PrivateLink; Private DNS is off or overridden"),
  CONNECT_TIMEOUT(
      "security groups (egress 443 from the function, ingress 443 on the endpoint), NACLs, routes"),
  CONNECT_REFUSED("endpoint not listening; endpoint status not Available"),
  TLS_ERROR("certificate or SNI mismatch; interception proxy"),
  HTTP_TIMEOUT("the service is slow or hung"),
  HTTP_STATUS("the service answered unhealthy"),
  BODY_MISMATCH("the service answered unhealthy");

  private final String hint;

  Reason(String hint) {
    this.hint = hint;
  }

  /** What on-call should look at first. */
  public String hint() {
    return hint;
  }
}
