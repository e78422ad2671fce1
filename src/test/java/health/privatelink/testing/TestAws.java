package health.privatelink.testing;

import health.privatelink.alert.AwsClients;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The production SDK clients pointed at a loopback endpoint, with static credentials and {@code
 * us-east-1}: nothing is read from the environment and nothing leaves the machine.
 */
public final class TestAws {
  public static final String TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:privatelink-alerts";

  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  private TestAws() {}

  public static SnsClient sns(URI endpoint) {
    return AwsClients.sns(b ->
        b.endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS));
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
    return AwsClients.dynamoDb(b ->
        b.endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS));
  }
}
