package health.privatelink;

import static health.privatelink.CloudFormationYaml.asMap;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import health.privatelink.alert.DynamoStateStore;
import health.privatelink.config.Config;
import health.privatelink.config.ConfigParser;
import health.privatelink.config.Target;
import health.privatelink.config.TargetsParser;
import health.privatelink.diagnose.Ec2QueryClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Holds template.yaml to the code it deploys and to the security promises of the README. */
class TemplateTest {
  private static final Path TEMPLATE = Path.of("template.yaml");

  /** Variables the template may set that ConfigParser does not read: the JVM's own. */
  private static final Set<String> RUNTIME_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  /**
   * The only actions allowed on {@code Resource: "*"}: EC2 Describe* and PutMetricData have no
   * resource types, and Lambda checks for the network-interface actions on "*" (they are the
   * statements of AWSLambdaVPCAccessExecutionRole). template.yaml says so next to each.
   */
  private static final Set<String> ACTIONS_WITHOUT_RESOURCES =
      Set.of(
          "ec2:DescribeVpcEndpoints",
          "ec2:DescribeVpcEndpointServices",
          "ec2:DescribeSecurityGroups",
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
          "cloudwatch:PutMetricData");

  private static Map<String, Object> parameters;
  private static Map<String, Object> conditions;
  private static Map<String, Object> resources;

  @BeforeAll
  static void readTemplate() throws IOException {
    Map<String, Object> template = CloudFormationYaml.read(TEMPLATE);
    parameters = asMap(template.get("Parameters"), "Parameters");
    conditions = asMap(template.get("Conditions"), "Conditions");
    resources = asMap(template.get("Resources"), "Resources");
  }

  @Test
  void handlerNamesAStreamHandlerClassWithHandleRequest() {
    String handler = (String) function().get("Handler");
    String className = handler.substring(0, handler.indexOf("::"));
    String method = handler.substring(handler.indexOf("::") + 2);
    Class<?> type =
        assertDoesNotThrow(
            () -> Class.forName(className),
            "template.yaml's Handler names " + className + ", which is not on the classpath");
    assertTrue(
        RequestStreamHandler.class.isAssignableFrom(type),
        className + " is a RequestStreamHandler");
    assertDoesNotThrow(
        () -> type.getMethod(method, InputStream.class, OutputStream.class, Context.class),
        className + " has " + method + "(InputStream, OutputStream, Context)");
    assertDoesNotThrow(
        () -> type.getConstructor(), className + " has the public no-argument constructor");
  }

  @Test
  void functionRunsJava21OnArm64FromTheRepositoryRoot() {
    Map<String, Object> function = function();
    assertEquals("java21", function.get("Runtime"));
    assertEquals(List.of("arm64"), function.get("Architectures"));
    assertEquals(".", function.get("CodeUri"));
    assertEquals("JSON", asMap(function.get("LoggingConfig"), "LoggingConfig").get("LogFormat"));
  }

  @Test
  void everyVariableTheCodeReadsIsSetInTheTemplate() {
    Set<String> read = new TreeSet<>(ConfigParser.VARIABLES);
    assertTrue(read.contains("TARGETS"), "the variables ConfigParser declares: " + read);
    Set<String> missing = new TreeSet<>(read);
    missing.removeAll(environment().keySet());
    assertEquals(Set.of(), missing, "read by ConfigParser but not set in template.yaml");
  }

  @Test
  void everyVariableTheTemplateSetsIsReadByTheCode() {
    Set<String> unread = new TreeSet<>(environment().keySet());
    unread.removeAll(ConfigParser.VARIABLES);
    unread.removeAll(RUNTIME_VARIABLES);
    assertEquals(Set.of(), unread, "set in template.yaml but never read by ConfigParser");
  }

  @Test
  void defaultParametersMakeAValidConfiguration() {
    Map<String, String> env = new LinkedHashMap<>();
    environment().forEach((name, value) -> env.put(name, resolve(value)));

    Config config = ConfigParser.parse(env);

    assertEquals(
        List.of("prefect-api", "prefect-ui"), config.targets().stream().map(Target::name).toList());
    assertEquals(3, config.expectedCidrs().size());
    assertTrue(config.alertTopicArn().isPresent(), "alerts go to the stack's topic");
    assertTrue(config.stateTable().isPresent(), "alert state survives cold starts");
    assertEquals(List.of(SAMPLE_GROUP_ID), config.securityGroupIds());
  }

  @Test
  void functionUsesTheTemplatesRoleWithoutManagedPolicies() {
    assertFalse(function().containsKey("Policies"), "SAM policies would escape these checks");
    Map<String, Object> role = resourceNamedBy(function().get("Role"));
    assertEquals("AWS::IAM::Role", role.get("Type"));
    assertFalse(
        properties(role).containsKey("ManagedPolicyArns"), "managed policies escape these checks");
  }

  @Test
  void everyIdentityPolicyStatementIsScoped() {
    List<Map<String, Object>> statements = identityStatements();
    assertFalse(statements.isEmpty());
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> statement : statements) {
      String sid = String.valueOf(statement.get("Sid"));
      List<String> actions = strings(statement.get("Action"));
      if (!"Allow".equals(statement.get("Effect"))) {
        continue;
      }
      if (statement.containsKey("NotAction") || statement.containsKey("NotResource")) {
        problems.add(sid + " uses NotAction or NotResource");
      }
      for (String action : actions) {
        if (action.equals("*") || action.endsWith(":*")) {
          problems.add(sid + " allows every action of a service: " + action);
        }
      }
      if (list(statement.get("Resource")).contains("*")) {
        for (String action : actions) {
          if (!ACTIONS_WITHOUT_RESOURCES.contains(action)) {
            problems.add(sid + " allows " + action + " on Resource \"*\"");
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void roleAllowsEveryEc2CallOfTheDiagnosisAndNoOtherDescribe() {
    Set<String> called = new TreeSet<>();
    for (String action : Ec2QueryClient.ACTIONS) {
      called.add("ec2:" + action);
    }
    assertTrue(called.contains("ec2:DescribeVpcEndpoints"), "the declared calls: " + called);
    Set<String> allowed = new TreeSet<>();
    for (Map<String, Object> statement : identityStatements()) {
      for (String action : strings(statement.get("Action"))) {
        if (action.startsWith("ec2:Describe")) {
          allowed.add(action);
        }
      }
    }
    Set<String> missing = new TreeSet<>(called);
    missing.removeAll(allowed);
    assertEquals(Set.of(), missing, "called by the diagnosis but not allowed by the role");
    Set<String> unused = new TreeSet<>(allowed);
    unused.removeAll(called);
    // Lambda itself needs these two to attach the function to the VPC.
    unused.removeAll(Set.of("ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"));
    assertEquals(Set.of(), unused, "allowed by the role but never called");
  }

  @Test
  void roleAllowsExactlyTheDynamoDbCallsOfTheAlertStateStore() {
    Set<String> called = new TreeSet<>();
    for (String call : DynamoStateStore.CALLS) {
      called.add("dynamodb:" + call);
    }
    assertTrue(called.contains("dynamodb:PutItem"), "the declared calls: " + called);
    Set<String> allowed = new TreeSet<>();
    for (Map<String, Object> statement : identityStatements()) {
      for (String action : strings(statement.get("Action"))) {
        if (action.startsWith("dynamodb:")) {
          allowed.add(action);
        }
      }
    }
    assertEquals(called, allowed, "the role's DynamoDB actions against the store's calls");
  }

  @Test
  void ec2EndpointIsAnOptionalPrivateDnsInterfaceEndpoint() {
    Map<String, Object> ec2 =
        ofType("AWS::EC2::VPCEndpoint").stream()
            .filter(e -> String.valueOf(properties(e).get("ServiceName")).contains(".ec2"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no ec2 interface endpoint in the template"));
    assertEquals("CreateEc2InterfaceEndpoint", ec2.get("Condition"));
    assertEquals("Interface", properties(ec2).get("VpcEndpointType"));
    assertEquals("true", properties(ec2).get("PrivateDnsEnabled"));
    assertEquals(Map.of("Ref", "VpcId"), environment().get("VPC_ID"));
  }

  @Test
  void metricsMayOnlyGoToTheConfiguredNamespace() {
    Map<String, Object> namespace = Map.of("Ref", "MetricsNamespace");
    List<Map<String, Object>> putMetrics =
        identityStatements().stream()
            .filter(s -> strings(s.get("Action")).contains("cloudwatch:PutMetricData"))
            .toList();
    assertFalse(putMetrics.isEmpty(), "the function may put metrics");
    for (Map<String, Object> statement : putMetrics) {
      assertEquals(List.of("cloudwatch:PutMetricData"), strings(statement.get("Action")));
      Map<String, Object> equals =
          asMap(asMap(statement.get("Condition"), "Condition").get("StringEquals"), "StringEquals");
      assertEquals(namespace, equals.get("cloudwatch:namespace"));
    }
    assertEquals(namespace, environment().get("METRICS_NAMESPACE"));
  }

  @Test
  void topicIsEncryptedWithAKeyCloudWatchAlarmsMayUse() {
    List<Map<String, Object>> topics = ofType("AWS::SNS::Topic");
    assertFalse(topics.isEmpty());
    for (Map<String, Object> topic : topics) {
      // alias/aws/sns would encrypt too, but its key policy cannot admit CloudWatch alarms.
      Map<String, Object> key = resourceNamedBy(properties(topic).get("KmsMasterKeyId"));
      assertEquals("AWS::KMS::Key", key.get("Type"));
      assertEquals("true", properties(key).get("EnableKeyRotation"));
      Map<String, Object> policy = asMap(properties(key).get("KeyPolicy"), "KeyPolicy");
      boolean cloudWatchMayEncrypt =
          list(policy.get("Statement")).stream()
              .map(s -> asMap(s, "Statement"))
              .anyMatch(s ->
                  String.valueOf(s.get("Principal")).contains("cloudwatch.amazonaws.com")
                      && strings(s.get("Action"))
                          .containsAll(List.of("kms:Decrypt", "kms:GenerateDataKey*")));
      assertTrue(cloudWatchMayEncrypt, "the key policy lets CloudWatch alarms publish");
    }
  }

  @Test
  void alarmNamesMatchTheKeyPolicysAlarmPrefix() {
    // The key and topic policies admit alarms named ${AWS::StackName}-*; another name would
    // deploy cleanly and then never deliver a notification.
    for (Map<String, Object> alarm : ofType("AWS::CloudWatch::Alarm")) {
      Object name = properties(alarm).get("AlarmName");
      String sub = name instanceof Map<?, ?> fn ? String.valueOf(fn.get("Fn::Sub")) : "";
      assertTrue(sub.startsWith("${AWS::StackName}-"), "alarm name " + name);
    }
  }

  @Test
  void everyAlarmNotifiesTheAlertTopic() {
    Object topic = environment().get("ALERT_TOPIC_ARN");
    List<Map<String, Object>> alarms = ofType("AWS::CloudWatch::Alarm");
    assertFalse(alarms.isEmpty());
    for (Map<String, Object> alarm : alarms) {
      assertEquals(List.of(topic), properties(alarm).get("AlarmActions"));
      assertEquals(List.of(topic), properties(alarm).get("OKActions"));
    }
  }

  @Test
  void stateTableIsEncryptedOnDemandWithTtlOnExpiresAt() {
    Map<String, Object> table = resourceNamedBy(environment().get("STATE_TABLE"));
    Map<String, Object> props = properties(table);
    assertEquals("true", asMap(props.get("SSESpecification"), "SSE").get("SSEEnabled"));
    assertEquals("PAY_PER_REQUEST", props.get("BillingMode"));
    assertEquals(
        List.of(Map.of("AttributeName", "target", "KeyType", "HASH")), props.get("KeySchema"));
    assertEquals(
        List.of(Map.of("AttributeName", "target", "AttributeType", "S")),
        props.get("AttributeDefinitions"));
    assertEquals(
        Map.of("AttributeName", "expiresAt", "Enabled", "true"),
        props.get("TimeToLiveSpecification"));
  }

  @Test
  void createdSecurityGroupAllowsOnlyOutboundTcp443() {
    Map<String, Object> vpcConfig = asMap(function().get("VpcConfig"), "VpcConfig");
    Map<String, Object> created = resourceNamedBy(whenTrue(vpcConfig.get("SecurityGroupIds")));
    assertEquals("AWS::EC2::SecurityGroup", created.get("Type"));
    Map<String, Object> props = properties(created);
    assertFalse(props.containsKey("SecurityGroupIngress"), "nothing connects to the function");
    assertEquals(
        List.of(
            Map.of(
                "IpProtocol", "tcp",
                "FromPort", "443",
                "ToPort", "443",
                "CidrIp", "0.0.0.0/0",
                "Description", "HTTPS to the checked endpoints and the AWS APIs")),
        props.get("SecurityGroupEgress"));
    for (String type : List.of("AWS::EC2::SecurityGroupEgress", "AWS::EC2::SecurityGroupIngress")) {
      assertEquals(List.of(), ofType(type), "no rules added to any group outside its resource");
    }
  }

  @Test
  void deadMansSwitchTreatsMissingDataAsBreaching() {
    List<Map<String, Object>> switches =
        ofType("AWS::CloudWatch::Alarm").stream()
            .map(TemplateTest::properties)
            .filter(p -> "SampleCount".equals(p.get("Statistic")))
            .filter(p -> Map.of("Ref", "MetricsNamespace").equals(p.get("Namespace")))
            .toList();
    assertEquals(1, switches.size(), "one alarm counts the checker's reports");
    Map<String, Object> alarm = switches.get(0);
    assertTrue(Set.of("UnhealthyTargets", "HealthCheckStatus").contains(alarm.get("MetricName")));
    assertEquals("breaching", alarm.get("TreatMissingData"));
    assertEquals("LessThanThreshold", alarm.get("ComparisonOperator"));
    assertEquals("1", alarm.get("Threshold"));
  }

  @Test
  void functionErrorsAlarmWatchesTheFunction() {
    List<Map<String, Object>> errors =
        ofType("AWS::CloudWatch::Alarm").stream()
            .map(TemplateTest::properties)
            .filter(p -> "AWS/Lambda".equals(p.get("Namespace")))
            .filter(p -> "Errors".equals(p.get("MetricName")))
            .toList();
    assertEquals(1, errors.size());
    assertEquals(
        List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", functionLogicalId()))),
        errors.get(0).get("Dimensions"));
    assertEquals("GreaterThanThreshold", errors.get(0).get("ComparisonOperator"));
    assertEquals("0", errors.get(0).get("Threshold"));
  }

  @Test
  void sampleEventsAreAScheduledEventAndValidManualTargets() throws IOException {
    Map<String, Object> scheduled =
        asMap(Json.parse(Files.readString(Path.of("events/scheduled.json")), "scheduled"), "event");
    assertEquals("aws.events", scheduled.get("source"));
    assertEquals("Scheduled Event", scheduled.get("detail-type"));

    Map<String, Object> manual =
        asMap(
            Json.parse(Files.readString(Path.of("events/manual-targets.json")), "manual"), "event");
    List<Target> targets =
        new TargetsParser(List.of(), Duration.ofSeconds(5)).parse(manual.get("targets"), "targets");
    assertFalse(
        targets.stream().map(Target::name).anyMatch(Set.of("prefect-api", "prefect-ui")::contains),
        "the manual event checks other targets than the defaults");
  }

  // ------------------------------------------------------------------ template access

  private static String functionLogicalId() {
    List<String> ids =
        resources.entrySet().stream()
            .filter(e -> "AWS::Serverless::Function".equals(type(e.getValue())))
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(1, ids.size(), "one function: " + ids);
    return ids.get(0);
  }

  private static Map<String, Object> function() {
    return properties(asMap(resources.get(functionLogicalId()), "function"));
  }

  private static Map<String, Object> environment() {
    Map<String, Object> env = asMap(function().get("Environment"), "Environment");
    return asMap(env.get("Variables"), "Variables");
  }

  private static List<Map<String, Object>> ofType(String type) {
    return resources.values().stream()
        .filter(r -> type.equals(type(r)))
        .map(r -> asMap(r, type))
        .toList();
  }

  private static String type(Object resource) {
    return (String) asMap(resource, "resource").get("Type");
  }

  private static Map<String, Object> properties(Map<String, Object> resource) {
    return asMap(resource.get("Properties"), "Properties");
  }

  /** The resource a {@code !Ref X} or {@code !GetAtt X.Attr} points at. */
  private static Map<String, Object> resourceNamedBy(Object reference) {
    if (!(reference instanceof Map<?, ?>)) {
      fail(reference + " is not a !Ref or !GetAtt to a resource of the template");
    }
    Map<String, Object> ref = asMap(reference, "reference");
    String id =
        ref.containsKey("Ref")
            ? (String) ref.get("Ref")
            : (String) list(ref.get("Fn::GetAtt")).get(0);
    if (!resources.containsKey(id)) {
      fail(reference + " does not name a resource of the template");
    }
    return asMap(resources.get(id), id);
  }

  /** The branch an {@code !If} takes when its condition holds. */
  private static Object whenTrue(Object value) {
    List<?> branches = list(asMap(value, "Fn::If").get("Fn::If"));
    Object taken = branches.get(1);
    return taken instanceof List<?> one ? one.get(0) : taken;
  }

  private static List<Map<String, Object>> identityStatements() {
    List<Map<String, Object>> statements = new ArrayList<>();
    for (Object resource : resources.values()) {
      String type = type(resource);
      Map<String, Object> props = properties(asMap(resource, type));
      List<Object> documents = new ArrayList<>();
      switch (type) {
        case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group" -> {
          for (Object policy : list(props.getOrDefault("Policies", List.of()))) {
            documents.add(asMap(policy, "policy").get("PolicyDocument"));
          }
        }
        case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" ->
            documents.add(props.get("PolicyDocument"));
        default -> {}
      }
      for (Object document : documents) {
        for (Object statement : list(asMap(document, "PolicyDocument").get("Statement"))) {
          statements.add(asMap(statement, "Statement"));
        }
      }
    }
    return statements;
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> l ? l : List.of(value);
  }

  private static List<String> strings(Object value) {
    return list(value).stream().map(String::valueOf).collect(Collectors.toList());
  }

  // ------------------------------------------------------------------ default parameters

  private static final String SAMPLE_GROUP_ID = "sg-0123456789abcdef0";

  /** Sample values CloudFormation would give parameters without defaults and resources. */
  private static final Map<String, String> SAMPLES =
      Map.of(
          "AWS::EC2::VPC::Id", "vpc-0123456789abcdef0",
          "AWS::EC2::SecurityGroup", SAMPLE_GROUP_ID,
          "AWS::SNS::Topic", "arn:aws:sns:us-east-1:123456789012:privatelink-health-AlertTopic-1AB",
          "AWS::DynamoDB::Table", "privatelink-health-StateTable-1AB");

  /** An environment value as a stack deployed with every parameter at its default sees it. */
  private static String resolve(Object value) {
    if (value instanceof String s) {
      return s;
    }
    Map<String, Object> fn = asMap(value, "intrinsic function");
    if (fn.containsKey("Ref") || fn.containsKey("Fn::GetAtt")) {
      String id =
          fn.containsKey("Ref")
              ? (String) fn.get("Ref")
              : (String) list(fn.get("Fn::GetAtt")).get(0);
      if (parameters.containsKey(id)) {
        Map<String, Object> parameter = asMap(parameters.get(id), id);
        return parameter.containsKey("Default")
            ? (String) parameter.get("Default")
            : sample((String) parameter.get("Type"), id);
      }
      return sample(type(resources.get(id)), id);
    }
    if (fn.containsKey("Fn::If")) {
      List<?> args = list(fn.get("Fn::If"));
      return resolve(holds((String) args.get(0)) ? args.get(1) : args.get(2));
    }
    throw new AssertionError("cannot resolve " + value);
  }

  private static String sample(String type, String id) {
    String sample = SAMPLES.get(type);
    if (sample == null) {
      throw new AssertionError("no sample value for " + id + " of type " + type);
    }
    return sample;
  }

  private static boolean holds(String condition) {
    return evaluate(conditions.get(condition));
  }

  private static boolean evaluate(Object expression) {
    Map<String, Object> fn = asMap(expression, "condition");
    String name = fn.keySet().iterator().next();
    List<?> args = list(fn.get(name));
    return switch (name) {
      case "Condition" -> holds((String) fn.get(name));
      case "Fn::Equals" -> resolve(args.get(0)).equals(resolve(args.get(1)));
      case "Fn::Not" -> !evaluate(args.get(0));
      case "Fn::And" -> args.stream().allMatch(TemplateTest::evaluate);
      case "Fn::Or" -> args.stream().anyMatch(TemplateTest::evaluate);
      default -> throw new AssertionError("cannot evaluate " + expression);
    };
  }
}
