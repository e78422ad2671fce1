package health.privatelink.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {
  @ParameterizedTest(name = "{0} in {1}: {2}")
  @CsvSource({
    "10.0.1.23, 10.0.0.0/8, true",
    "11.0.0.1, 10.0.0.0/8, false",
    "172.31.255.255, 172.16.0.0/12, true",
    "172.32.0.0, 172.16.0.0/12, false",
    "192.168.1.1, 192.168.0.0/16, true",
    "3.5.140.2, 0.0.0.0/0, true",
    "10.0.0.1, 10.0.0.1/32, true",
    "10.0.0.2, 10.0.0.1/32, false",
    "fd00::1, fd00::/8, true",
    "fd00::1, 10.0.0.0/8, false",
    "10.0.0.1, ::/0, false",
  })
  void containment(String address, String cidr, boolean inside) throws Exception {
    assertEquals(inside, Cidr.parse(cidr).contains(InetAddress.getByName(address)));
  }
}
