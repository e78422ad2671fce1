package health.privatelink.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A test class's alert-state table: moto on loopback, the table created as the SAM template creates
 * it, and an SDK client for it, from the first test of the class to the last. Register with
 * {@code @RegisterExtension static final MotoStateTable STATE = new MotoStateTable(name)}.
 */
public final class MotoStateTable implements BeforeAllCallback, AfterAllCallback {
  private final String table;
  private MotoServer moto;
  private DynamoDbClient client;

  public MotoStateTable(String table) {
    this.table = table;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    moto = MotoServer.start();
    client = TestAws.dynamoDb(moto.uri());
    TestAws.createStateTable(client, table);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (client != null) {
      client.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  /** The table's name. */
  public String table() {
    return table;
  }

  /** A client for moto's DynamoDB. */
  public DynamoDbClient client() {
    return client;
  }
}
