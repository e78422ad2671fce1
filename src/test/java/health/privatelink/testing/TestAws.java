package health.privatelink.testing;

import health.privatelink.aws.AwsClients;
import health.privatelink.aws.AwsSettings;
import health.privatelink.diagnose.Ec2QueryClient;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The production SDK clients pointed at a loopback endpoint, with static credentials and {@code
 * us-east-1}: nothing is read from the process's environment and nothing leaves the machine.
 */
public final class TestAws {
  public static final String TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:privatelink-alerts";

  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  private TestAws() {}

  /**
   * The settings {@code env} gives, as production reads them, in {@code us-east-1} unless {@code
   * env} says otherwise, and signing with static test credentials.
   */
  public static AwsSettings settings(Map<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("AWS_REGION", "us-east-1");
    all.putAll(env);
    return AwsSettings.from(all).withCredentials(CREDENTIALS);
  }

  /** The factory with every client pointed at {@code endpoints}: service variable to URI. */
  public static AwsClients clients(Map<String, String> env) {
    return new AwsClients(settings(env));
  }

  public static SnsClient sns(URI endpoint) {
    return clients(Map.of("AWS_ENDPOINT_URL_SNS", endpoint.toString())).sns();
  }

  /** The EC2 query client the diagnosis uses, pointed at {@code endpoint}. */
  public static Ec2QueryClient ec2(URI endpoint) {
    return new Ec2QueryClient(clients(Map.of("AWS_ENDPOINT_URL_EC2", endpoint.toString())).ec2());
  }

  /**
   * Creates the state table as the SAM template does: partition key {@code target} (S), on-demand
   * billing, TTL on {@code expiresAt}.
   */
  public static void createStateTable(DynamoDbClient dynamo, String table) {
    dynamo.createTable(b ->
        b.tableName(table)
            .attributeDefinitions(
                AttributeDefinition.builder()
                    .attributeName("target")
                    .attributeType(ScalarAttributeType.S)
                    .build())
            .keySchema(
                KeySchemaElement.builder().attributeName("target").keyType(KeyType.HASH).build())
            .billingMode(BillingMode.PAY_PER_REQUEST));
    dynamo.updateTimeToLive(b ->
        b.tableName(table)
            .timeToLiveSpecification(t -> t.attributeName("expiresAt").enabled(true)));
  }

  public static DynamoDbClient dynamoDb(URI endpoint) {
    return clients(Map.of("AWS_ENDPOINT_URL_DYNAMODB", endpoint.toString())).dynamoDb();
  }
}
