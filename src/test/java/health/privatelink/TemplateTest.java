package health.privatelink;

import static health.privatelink.CloudFormationYaml.asMap;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import health.privatelink.alert.DynamoStateStore;
import health.privatelink.config.Config;
import health.privatelink.config.ConfigException;
import health.privatelink.config.ConfigParser;
import health.privatelink.config.MetricsDetail;
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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Holds template.yaml to the code it deploys and to the security promises of the README. */
class TemplateTest {
  private static final Path TEMPLATE = Path.of("template.yaml");
  private static final Path MAKEFILE = Path.of("Makefile");
  private static final Path SAMCONFIG = Path.of("samconfig.toml");

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
          "ec2:DescribeNetworkAcls",
          "ec2:DescribeVpcAttribute",
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
          "cloudwatch:PutMetricData",
          "cloudwatch:GetMetricData");

  private static Map<String, Object> template;
  private static Map<String, Object> parameters;
  private static Map<String, Object> conditions;
  private static Map<String, Object> resources;

  @BeforeAll
  static void readTemplate() throws IOException {
    template = CloudFormationYaml.read(TEMPLATE);
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
  void roleGrantsTheDiagnosisExactlyItsReadOnlyCalls() {
    Map<String, Object> diagnose = statement("DiagnoseEndpoints");
    assertEquals(
        List.of(
            "ec2:DescribeVpcEndpoints",
            "ec2:DescribeVpcEndpointServices",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeNetworkAcls",
            "ec2:DescribeVpcAttribute"),
        strings(diagnose.get("Action")));
    Set<String> cloudWatch = new TreeSet<>();
    for (Map<String, Object> statement : identityStatements()) {
      for (String action : strings(statement.get("Action"))) {
        if (action.startsWith("cloudwatch:")) {
          cloudWatch.add(action);
        }
      }
    }
    assertEquals(Set.of("cloudwatch:GetMetricData", "cloudwatch:PutMetricData"), cloudWatch);
    Map<String, Object> metrics = statement("DiagnoseEndpointMetrics");
    assertEquals(List.of("cloudwatch:GetMetricData"), strings(metrics.get("Action")));
    assertEquals(List.of("*"), list(metrics.get("Resource")));
  }

  @Test
  void packetsDroppedAlarmQueriesEveryEndpointOfTheVpc() {
    Map<String, Object> alarm =
        ofType("AWS::CloudWatch::Alarm").stream()
            .filter(a -> String.valueOf(properties(a).get("AlarmName")).contains("packets-dropped"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no packets-dropped alarm"));
    Map<String, Object> props = properties(alarm);
    assertFalse(props.containsKey("Condition"));
    List<?> metrics = list(props.get("Metrics"));
    assertEquals(1, metrics.size(), "one query");
    Map<String, Object> query = asMap(metrics.getFirst(), "Metrics[0]");
    String expression = String.valueOf(asMap(query.get("Expression"), "Expression").get("Fn::Sub"));
    assertEquals(
        "SELECT SUM(PacketsDropped) FROM SCHEMA(\"AWS/PrivateLinkEndpoints\", \"Endpoint Type\","
            + " \"Service Name\", \"VPC Endpoint Id\", \"VPC Id\") WHERE \"VPC Id\" ="
            + " '${VpcId}'",
        expression);
    assertEquals("60", String.valueOf(query.get("Period")));
    assertEquals("5", String.valueOf(props.get("EvaluationPeriods")));
    assertEquals("5", String.valueOf(props.get("DatapointsToAlarm")));
    assertEquals("GreaterThanThreshold", props.get("ComparisonOperator"));
    assertEquals("0", String.valueOf(props.get("Threshold")));
  }

  @Test
  void dashboardShowsTheEndpointsPerSubnetInTheVpc() {
    Map<String, Object> dashboard = ofType("AWS::CloudWatch::Dashboard").getFirst();
    String body = String.valueOf(list(properties(dashboard).get("DashboardBody")).getFirst());
    for (String metric : List.of("PacketsDropped", "RstPacketsReceived", "NewConnections")) {
      String search =
          "SEARCH('{\\\"AWS/PrivateLinkEndpoints\\\",\\\"Endpoint Type\\\",\\\"Service"
              + " Name\\\",\\\"Subnet Id\\\",\\\"VPC Endpoint Id\\\",\\\"VPC Id\\\"}"
              + " MetricName=\\\""
              + metric
              + "\\\" \\\"VPC Id\\\"=\\\"${VpcId}\\\"', 'Sum', 60)";
      assertTrue(body.contains(search), metric + " per subnet in the stack's VPC: " + search);
    }
  }

  /** The metrics {@code lean} turns into log properties, and the log keys that carry them. */
  private static final Map<String, String> LOGGED_INSTEAD =
      Map.of(
          "Duration", "timings.totalMs",
          "DnsLookupTime", "timings.dnsMs",
          "ConnectTime", "timings.connectMs",
          "TlsHandshakeTime", "timings.tlsMs",
          "TimeToFirstByte", "timings.ttfbMs",
          "CertificateDaysRemaining", "certificateDaysRemaining");

  /** The dashboard's widgets as a stack with these parameter values creates it. */
  private static List<Map<String, Object>> dashboardWidgets(Map<String, String> given) {
    Map<String, Object> dashboard =
        new Stack(given).created("Dashboard").orElseThrow(AssertionError::new);
    Object body = Json.parse((String) dashboard.get("DashboardBody"), "DashboardBody");
    return list(asMap(body, "DashboardBody").get("widgets")).stream()
        .map(w -> asMap(w, "widget"))
        .toList();
  }

  private static Set<String> positions(List<Map<String, Object>> widgets) {
    return widgets.stream()
        .map(w -> w.get("x") + "," + w.get("y") + " " + w.get("width") + "x" + w.get("height"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void metricsDetailIsAParameterPassedAsMetricsDetail() {
    Map<String, Object> parameter = asMap(parameters.get("MetricsDetail"), "MetricsDetail");
    assertEquals("full", parameter.get("Default"));
    assertEquals(List.of("full", "lean"), parameter.get("AllowedValues"));
    assertEquals(Map.of("Ref", "MetricsDetail"), environment().get("METRICS_DETAIL"));
    Map<String, MetricsDetail> parsed = new LinkedHashMap<>();
    for (String value : strings(parameter.get("AllowedValues"))) {
      Map<String, String> env = defaultEnvironment();
      env.put(
          "METRICS_DETAIL",
          new Stack(Map.of("MetricsDetail", value)).string(environment().get("METRICS_DETAIL")));
      parsed.put(value, ConfigParser.parse(env).metricsDetail());
    }
    assertEquals(Map.of("full", MetricsDetail.FULL, "lean", MetricsDetail.LEAN), parsed);
    assertEquals(MetricsDetail.FULL, ConfigParser.parse(defaultEnvironment()).metricsDetail());
  }

  @Test
  void fullDashboardReadsTheLatencyMetrics() {
    List<Map<String, Object>> widgets = dashboardWidgets(Map.of());
    String body = widgets.toString();

    for (String metric : LOGGED_INSTEAD.keySet()) {
      assertTrue(
          body.contains("SEARCH('{\"PrivateLinkHealth\",Target} MetricName=\"" + metric + "\"'"),
          metric + " read as a metric in full: " + body);
    }
    assertTrue(widgets.stream().allMatch(w -> "metric".equals(w.get("type"))), body);
  }

  @Test
  void leanDashboardQueriesTheLogForWhatIsNoLongerAMetric() {
    List<Map<String, Object>> full = dashboardWidgets(Map.of());
    List<Map<String, Object>> lean = dashboardWidgets(Map.of("MetricsDetail", "lean"));

    assertEquals(positions(full), positions(lean), "the same layout in both");
    assertEquals(full.size(), lean.size());
    String metricWidgets =
        lean.stream().filter(w -> "metric".equals(w.get("type"))).toList().toString();
    for (String metric : LOGGED_INSTEAD.keySet()) {
      assertFalse(
          metricWidgets.contains("MetricName=\"" + metric + "\""),
          metric + " is no metric in lean: " + metricWidgets);
    }
    List<String> queries =
        lean.stream()
            .filter(w -> "log".equals(w.get("type")))
            .map(w -> (String) asMap(w.get("properties"), "properties").get("query"))
            .toList();
    assertEquals(LOGGED_INSTEAD.size(), queries.size(), queries::toString);
    // api mode logs the target as "target", emf mode's EMF line as "Target": one query reads both.
    String source = "SOURCE '" + RESOURCE_SAMPLES.get("LogGroup") + "' | filter ispresent(";
    for (String key : LOGGED_INSTEAD.values()) {
      assertTrue(
          queries.stream()
              .anyMatch(q ->
                  q.startsWith(source + key + ")")
                      && q.contains("coalesce(target, Target) as name")
                      && q.contains("(" + key + ")")
                      && q.endsWith(", name")),
          key + " in a Logs Insights widget: " + queries);
    }
    for (Map<String, Object> widget : lean) {
      if ("log".equals(widget.get("type"))) {
        Map<String, Object> properties = asMap(widget.get("properties"), "properties");
        assertEquals("us-east-1", properties.get("region"));
        assertEquals("timeSeries", properties.get("view"));
      }
    }
  }

  private static Map<String, Object> statement(String sid) {
    return identityStatements().stream()
        .filter(s -> sid.equals(s.get("Sid")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no statement " + sid));
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

  // ------------------------------------------------------------------ deploying right the first
  // time

  @Test
  void samBuildRunsTheMakefileTargetWithThePinnedWrapperAndNoTests() throws IOException {
    Map<String, Object> metadata =
        asMap(asMap(resources.get(functionLogicalId()), "function").get("Metadata"), "Metadata");
    assertEquals("makefile", metadata.get("BuildMethod"), "SAM's Maven builder runs the tests");
    String makefile = Files.readString(MAKEFILE);
    Matcher target =
        Pattern.compile("(?m)^build-" + functionLogicalId() + ":.*\n((?:\t.*\n)+)")
            .matcher(makefile);
    assertTrue(target.find(), "the Makefile has the target sam build runs: " + makefile);
    String recipe = target.group(1);
    assertTrue(recipe.contains("./mvnw "), "the pinned wrapper, no Maven of the user's: " + recipe);
    assertTrue(recipe.contains("-DskipTests"), "the tests need moto, packaging does not");
    assertTrue(recipe.contains("$(ARTIFACTS_DIR)/lib"), "java21 puts the jars in lib/ on its path");
    assertTrue(makefile.contains("-lt 21"), "the Makefile names a too-old JDK before Maven runs");
  }

  @Test
  void functionHasNoFixedNameThatALongStackNameWouldOverflow() {
    // A stack name may have 128 characters, a function name 64; CloudFormation's generated
    // name fits, and everything that names the function refers to it.
    assertFalse(function().containsKey("FunctionName"), "FunctionName: " + function());
  }

  @Test
  void interfaceEndpointsAdmitTheWholeVpcAndTheFunction() {
    String cidr = "10.20.0.0/16";
    for (Map<String, String> endpoints :
        List.of(
            Map.of("CreateVpcEndpoints", "true", "RouteTableIds", "rtb-0123456789abcdef0"),
            Map.of("CreateEc2Endpoint", "true"))) {
      Map<String, String> given = new LinkedHashMap<>(endpoints);
      given.put("VpcCidr", cidr);
      given.put("EndpointSubnetIds", "subnet-0ccccccccccccccc3");
      Map<String, Object> group =
          new Stack(given).created("EndpointSecurityGroup").orElseThrow(AssertionError::new);
      List<Map<String, Object>> ingress =
          list(group.get("SecurityGroupIngress")).stream().map(r -> asMap(r, "rule")).toList();
      for (Map<String, Object> rule : ingress) {
        assertEquals(
            List.of("tcp", "443", "443"),
            List.of(rule.get("IpProtocol"), rule.get("FromPort"), rule.get("ToPort")),
            "HTTPS only: " + rule);
      }
      assertEquals(
          Set.of("CidrIp=" + cidr, "SourceSecurityGroupId=" + SAMPLE_GROUP_ID),
          ingress.stream()
              .map(r ->
                  r.containsKey("CidrIp")
                      ? "CidrIp=" + r.get("CidrIp")
                      : "SourceSecurityGroupId=" + r.get("SourceSecurityGroupId"))
              .collect(Collectors.toSet()),
          "every workload of the VPC resolves monitoring, sns and ec2 to these endpoints");
    }
    assertTrue(
        String.valueOf(template.get("Description")).contains("serve the whole VPC"),
        "the template says the endpoints serve the whole VPC: " + template.get("Description"));
  }

  @Test
  void interfaceEndpointsRequireOneSubnetPerZoneAndTheVpcRange() {
    Map<String, String> complete =
        Map.of(
            "EndpointSubnetIds", "subnet-0ccccccccccccccc3,subnet-0ddddddddddddddd4",
            "VpcCidr", "10.20.0.0/16",
            "RouteTableIds", "rtb-0123456789abcdef0");
    for (String create : List.of("CreateVpcEndpoints", "CreateEc2Endpoint")) {
      Map<String, String> given = new LinkedHashMap<>(complete);
      given.put(create, "true");
      assertEquals(List.of(), failedRules(given), create + " with everything it needs");
      for (String missing : List.of("EndpointSubnetIds", "VpcCidr")) {
        Map<String, String> without = new LinkedHashMap<>(given);
        without.put(missing, "");
        List<String> failed = failedRules(without);
        assertEquals(1, failed.size(), create + " without " + missing + ": " + failed);
        assertTrue(
            failed.get(0).contains(missing), "the rule's message names " + missing + ": " + failed);
      }
      Stack stack = new Stack(given);
      for (String id : resources.keySet()) {
        Optional<Map<String, Object>> endpoint =
            "AWS::EC2::VPCEndpoint".equals(type(resources.get(id)))
                ? stack.created(id)
                : Optional.empty();
        if (endpoint.isPresent() && "Interface".equals(endpoint.get().get("VpcEndpointType"))) {
          assertEquals(
              List.of("subnet-0ccccccccccccccc3", "subnet-0ddddddddddddddd4"),
              endpoint.get().get("SubnetIds"),
              id + " uses EndpointSubnetIds, never the function's SubnetIds");
        }
      }
    }
    assertEquals(
        List.of(), failedRules(Map.of()), "the defaults create no endpoint and need neither");
  }

  @Test
  void dnsServersGetUdpAndTcp53FromTheirOwnGroup() {
    Stack none = new Stack(Map.of());
    assertEquals(Optional.empty(), none.created("FunctionDnsSecurityGroup"));
    assertEquals(List.of(SAMPLE_GROUP_ID), functionGroups(none));

    List<String> servers = List.of("10.0.0.2", "10.0.1.2", "192.168.5.53");
    for (int n = 1; n <= servers.size(); n++) {
      Stack stack = new Stack(Map.of("DnsServers", String.join(",", servers.subList(0, n))));
      Map<String, Object> group =
          stack.created("FunctionDnsSecurityGroup").orElseThrow(AssertionError::new);
      assertFalse(group.containsKey("SecurityGroupIngress"), "nothing connects to the function");
      Set<String> egress = new TreeSet<>();
      for (Object rule : list(group.get("SecurityGroupEgress"))) {
        Map<String, Object> r = asMap(rule, "rule");
        egress.add(
            r.get("IpProtocol")
                + " "
                + r.get("FromPort")
                + "-"
                + r.get("ToPort")
                + " "
                + r.get("CidrIp"));
      }
      Set<String> expected = new TreeSet<>();
      for (String server : servers.subList(0, n)) {
        expected.add("udp 53-53 " + server + "/32");
        expected.add("tcp 53-53 " + server + "/32");
      }
      assertEquals(expected, egress, n + " DNS servers");
      assertEquals(List.of(SAMPLE_GROUP_ID, SAMPLE_DNS_GROUP_ID), functionGroups(stack));
      assertEquals(
          SAMPLE_GROUP_ID + "," + SAMPLE_DNS_GROUP_ID,
          stack.string(environment().get("SECURITY_GROUP_IDS")),
          "the diagnosis reads every group of the function");
    }
    Stack own =
        new Stack(Map.of("DnsServers", "10.0.0.2", "SecurityGroupIds", "sg-0abcabcabcabcabc1"));
    assertEquals(
        Optional.empty(), own.created("FunctionDnsSecurityGroup"), "your groups, your rules");
    assertEquals(List.of("sg-0abcabcabcabcabc1"), functionGroups(own));

    // Every value the parameter admits gets a rule for each of its servers, and is a valid
    // DNS_SERVERS; what rules cannot be written for is refused at deploy time.
    Pattern allowed = allowedPattern("DnsServers");
    for (String ok : List.of("", "10.0.0.2", "10.0.0.2,10.0.1.2", "10.0.0.2,10.0.1.2,10.0.2.2")) {
      assertTrue(allowed.matcher(ok).matches(), ok);
      Map<String, String> env = defaultEnvironment();
      env.put("DNS_SERVERS", ok);
      assertDoesNotThrow(() -> ConfigParser.parse(env), "DNS_SERVERS=" + ok);
    }
    for (String refused :
        List.of(
            "10.0.0.2,10.0.1.2,10.0.2.2,10.0.3.2",
            "10.0.0.2:5353",
            "dns.example.com",
            "[fd00::2]",
            "10.0.0.2,")) {
      assertFalse(allowed.matcher(refused).matches(), refused);
    }
  }

  @Test
  void logGroupIsTheStacksOwnAndTheRoleWritesOnlyThere() {
    Map<String, Object> logging = asMap(function().get("LoggingConfig"), "LoggingConfig");
    Map<String, Object> group = resourceNamedBy(logging.get("LogGroup"));
    assertEquals("AWS::Logs::LogGroup", group.get("Type"));
    String name = resolve(properties(group).get("LogGroupName"));
    assertFalse(name.startsWith("/aws/lambda/"), "Lambda may have left that group behind: " + name);
    assertEquals("/privatelink-health/privatelink-health", name);
    String logicalId = (String) asMap(logging.get("LogGroup"), "LogGroup").get("Ref");
    List<Map<String, Object>> logs =
        identityStatements().stream()
            .filter(st -> strings(st.get("Action")).stream().anyMatch(a -> a.startsWith("logs:")))
            .toList();
    assertFalse(logs.isEmpty(), "the function may write its logs");
    for (Map<String, Object> statement : logs) {
      assertEquals(Map.of("Fn::GetAtt", List.of(logicalId, "Arn")), statement.get("Resource"));
    }
  }

  @Test
  void applicationLogLevelLetsTheLevellessEmfLinesThrough() {
    // EMF lines carry no level: under the JSON log format Lambda counts them as INFO, and a
    // higher level would drop every EMF metric and set off the dead man's switch.
    Map<String, Object> logging = asMap(function().get("LoggingConfig"), "LoggingConfig");
    assertEquals("JSON", logging.get("LogFormat"));
    assertEquals("INFO", logging.get("ApplicationLogLevel"));
  }

  @Test
  void scheduleIsNeverRetriedOrDeliveredLate() {
    // Written out rather than SAM's Events and EventInvokeConfig, so that they can aim at an alias.
    assertFalse(function().containsKey("Events"), "a SAM event would always invoke $LATEST");
    assertFalse(function().containsKey("EventInvokeConfig"), "SAM's would configure $LATEST only");
    for (Map<String, String> given : List.of(SNAPSTART_OFF, SNAPSTART_ON)) {
      Stack stack = new Stack(given);
      List<Map<String, Object>> schedules =
          ofType("AWS::Events::Rule").stream()
              .map(TemplateTest::properties)
              .filter(p -> p.containsKey("ScheduleExpression"))
              .map(p -> asMap(stack.value(p), "rule"))
              .toList();
      assertEquals(1, schedules.size());
      List<?> targets = list(schedules.get(0).get("Targets"));
      assertEquals(1, targets.size());
      // 60 s: EventBridge's least, and one interval of the most frequent schedule, rate(1 minute).
      assertEquals(
          Map.of("MaximumRetryAttempts", "0", "MaximumEventAgeInSeconds", "60"),
          asMap(targets.get(0), "target").get("RetryPolicy"));
      Map<String, Object> invokeConfig =
          stack.created("CheckerFunctionEventInvokeConfig").orElseThrow(AssertionError::new);
      assertEquals("0", invokeConfig.get("MaximumRetryAttempts"));
      assertEquals("60", invokeConfig.get("MaximumEventAgeInSeconds"));
    }
  }

  private static final Map<String, String> SNAPSTART_OFF = Map.of();
  private static final Map<String, String> SNAPSTART_ON =
      Map.of("SnapStart", "PublishedVersions", "CodeRevision", "0e36038");

  @Test
  void snapStartIsOffByDefaultAndTheScheduleInvokesLatest() {
    assertEquals("None", asMap(parameters.get("SnapStart"), "SnapStart").get("Default"));
    Stack stack = new Stack(SNAPSTART_OFF);
    assertEquals(Map.of("ApplyOn", "None"), stack.value(function().get("SnapStart")));
    assertTrue(stack.created("CheckerFunctionVersion").isEmpty());
    assertTrue(stack.created("CheckerFunctionAlias").isEmpty());
    assertEquals(FUNCTION_ARN, scheduleTarget(stack).get("Arn"));
    assertEquals(
        FUNCTION_NAME,
        stack.created("CheckerFunctionCheckPermission").orElseThrow().get("FunctionName"));
    assertEquals(
        "$LATEST",
        stack.created("CheckerFunctionEventInvokeConfig").orElseThrow().get("Qualifier"));
    assertEquals(List.of(), failedRules(SNAPSTART_OFF));
  }

  @Test
  void snapStartPublishesAVersionAndTheScheduleInvokesItsAlias() {
    Stack stack = new Stack(SNAPSTART_ON);
    assertEquals(Map.of("ApplyOn", "PublishedVersions"), stack.value(function().get("SnapStart")));
    Map<String, Object> version = stack.created("CheckerFunctionVersion").orElseThrow();
    assertEquals(FUNCTION_NAME, version.get("FunctionName"));
    // A new CodeRevision replaces the version, which publishes the deployed code anew.
    assertEquals("privatelink-health 0e36038", version.get("Description"));
    Map<String, Object> alias = stack.created("CheckerFunctionAlias").orElseThrow();
    assertEquals("live", alias.get("Name"));
    assertEquals(FUNCTION_NAME, alias.get("FunctionName"));
    assertEquals(VERSION_NUMBER, alias.get("FunctionVersion"));
    assertEquals(ALIAS_ARN, scheduleTarget(stack).get("Arn"));
    Map<String, Object> permission = stack.created("CheckerFunctionCheckPermission").orElseThrow();
    assertEquals(ALIAS_ARN, permission.get("FunctionName"));
    assertEquals("events.amazonaws.com", permission.get("Principal"));
    assertEquals(RULE_ARN, permission.get("SourceArn"));
    Map<String, Object> invokeConfig =
        stack.created("CheckerFunctionEventInvokeConfig").orElseThrow();
    assertEquals(FUNCTION_NAME, invokeConfig.get("FunctionName"));
    assertEquals("live", invokeConfig.get("Qualifier"));
    assertEquals(List.of(), failedRules(SNAPSTART_ON));
  }

  @Test
  void snapStartWithoutACodeRevisionIsRefused() {
    List<String> failed = failedRules(Map.of("SnapStart", "PublishedVersions"));
    assertEquals(1, failed.size(), failed.toString());
    assertTrue(failed.get(0).contains("needs CodeRevision"), failed.get(0));
  }

  private static Map<String, Object> scheduleTarget(Stack stack) {
    Map<String, Object> rule = stack.created("CheckerFunctionCheck").orElseThrow();
    return asMap(list(rule.get("Targets")).get(0), "target");
  }

  @Test
  void metricsNamespacePatternRefusesAwsPrefixAsTheConfigurationDoes() {
    Pattern allowed = allowedPattern("MetricsNamespace");
    assertTrue(
        allowed
            .matcher((String) asMap(parameters.get("MetricsNamespace"), "p").get("Default"))
            .matches());
    for (String refused : List.of("AWS/Lambda", "AWS/", "", "a b", "x".repeat(256))) {
      assertFalse(allowed.matcher(refused).matches(), "the template accepts " + refused);
    }
    for (String ns :
        List.of(
            "PrivateLinkHealth",
            "A",
            "AW",
            "AWS",
            "AWSome",
            "AWS-x/y",
            "AW/S",
            "aws/x",
            "Team/PrivateLink#1:a_b.c-d",
            "x".repeat(255))) {
      assertTrue(allowed.matcher(ns).matches(), "the template refuses " + ns);
      Map<String, String> env = defaultEnvironment();
      env.put("METRICS_NAMESPACE", ns);
      assertEquals(
          ns,
          ConfigParser.parse(env).metricsNamespace(),
          "the function accepts what the template does");
    }
    Map<String, String> env = defaultEnvironment();
    env.put("METRICS_NAMESPACE", "AWS/Lambda");
    assertThrows(ConfigException.class, () -> ConfigParser.parse(env));
  }

  @Test
  void templateSetsNoAwsVariableOfTheSdkOrTheRuntime() {
    // AWS_ENDPOINT_URL_* would send the function's calls elsewhere; the rest are Lambda's.
    Set<String> aws = new TreeSet<>();
    for (String name : environment().keySet()) {
      if (name.startsWith("AWS_") || name.startsWith("_")) {
        aws.add(name);
      }
    }
    assertEquals(Set.of(), aws);
  }

  @Test
  void samconfigNamesEachStackOnlyWhereEveryCommandReadsIt() throws IOException {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    String section = "";
    for (String line : Files.readAllLines(SAMCONFIG)) {
      String text = line.strip();
      if (text.startsWith("[")) {
        section = text;
        sections.put(section, new ArrayList<>());
      } else if (!text.isEmpty() && !text.startsWith("#") && !section.isEmpty()) {
        sections.get(section).add(text);
      }
    }
    List<String> pinned = new ArrayList<>();
    sections.forEach((name, lines) -> {
      if (lines.stream().anyMatch(l -> l.startsWith("stack_name"))
          && !name.matches("\\[[^.]+\\.global\\.parameters]")) {
        pinned.add(name);
      }
    });
    assertEquals(List.of(), pinned, "stack_name outside an environment's global section");
    assertTrue(
        sections.getOrDefault("[default.global.parameters]", List.of()).stream()
            .anyMatch(l -> l.startsWith("stack_name")),
        "the default environment is a stack: " + sections);
    assertTrue(
        String.join("\n", sections.getOrDefault("[default.deploy.parameters]", List.of()))
            .contains("CAPABILITY_IAM"),
        "the stack creates its role");
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

  /** The function's security groups as this stack attaches them. */
  private static List<String> functionGroups(Stack stack) {
    return strings(
        stack.value(asMap(function().get("VpcConfig"), "VpcConfig").get("SecurityGroupIds")));
  }

  /** The AssertDescription of every rule assertion these parameter values fail. */
  private static List<String> failedRules(Map<String, String> given) {
    Stack stack = new Stack(given);
    List<String> failed = new ArrayList<>();
    for (Object value : asMap(template.get("Rules"), "Rules").values()) {
      Map<String, Object> rule = asMap(value, "rule");
      if (rule.containsKey("RuleCondition") && !stack.test(rule.get("RuleCondition"))) {
        continue;
      }
      for (Object assertion : list(rule.get("Assertions"))) {
        Map<String, Object> a = asMap(assertion, "assertion");
        Object test = a.get("Assert");
        // EachMemberEquals over AWS-typed lists needs the account; those rules hold for samples.
        if (asMap(test, "Assert").containsKey("Fn::EachMemberEquals")) {
          continue;
        }
        if (!stack.test(test)) {
          failed.add(String.valueOf(a.get("AssertDescription")));
        }
      }
    }
    return failed;
  }

  private static Pattern allowedPattern(String parameter) {
    return Pattern.compile(
        (String) asMap(parameters.get(parameter), parameter).get("AllowedPattern"));
  }

  /** The function's environment as a stack with every parameter at its default sets it. */
  private static Map<String, String> defaultEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    environment().forEach((name, value) -> env.put(name, resolve(value)));
    return env;
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

  // ------------------------------------------------------------------ evaluating the template

  private static final String SAMPLE_GROUP_ID = "sg-0123456789abcdef0";
  private static final String SAMPLE_DNS_GROUP_ID = "sg-0fedcba9876543210";

  /** Sample values CloudFormation would give parameters without defaults and resources. */
  private static final Map<String, String> SAMPLES =
      Map.of(
          "AWS::EC2::VPC::Id", "vpc-0123456789abcdef0",
          "AWS::EC2::SecurityGroup", "sg-0eeeeeeeeeeeeeee0",
          "List<AWS::EC2::Subnet::Id>", "subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2",
          "AWS::SNS::Topic", "arn:aws:sns:us-east-1:123456789012:privatelink-health-AlertTopic-1AB",
          "AWS::DynamoDB::Table", "privatelink-health-StateTable-1AB",
          "AWS::Serverless::Function", "privatelink-health-CheckerFunction-1AB");

  private static final String FUNCTION_NAME = "privatelink-health-CheckerFunction-1AB";
  private static final String FUNCTION_ARN =
      "arn:aws:lambda:us-east-1:123456789012:function:" + FUNCTION_NAME;
  private static final String VERSION_NUMBER = "3";
  private static final String ALIAS_ARN = FUNCTION_ARN + ":live";
  private static final String RULE_ARN =
      "arn:aws:events:us-east-1:123456789012:rule/privatelink-health-CheckerFunctionCheck-1AB";

  /** Sample values of resources that several of the same type would otherwise share. */
  private static final Map<String, String> RESOURCE_SAMPLES =
      Map.of(
          "FunctionSecurityGroup", SAMPLE_GROUP_ID,
          "FunctionDnsSecurityGroup", SAMPLE_DNS_GROUP_ID,
          "LogGroup", "/privatelink-health/privatelink-health",
          "CheckerFunction", FUNCTION_NAME,
          "CheckerFunction.Arn", FUNCTION_ARN,
          "CheckerFunctionVersion.Version", VERSION_NUMBER,
          "CheckerFunctionAlias", ALIAS_ARN,
          "CheckerFunctionCheck.Arn", RULE_ARN);

  /** An environment value as a stack deployed with every parameter at its default sees it. */
  private static String resolve(Object value) {
    return new Stack(Map.of()).string(value);
  }

  /**
   * The template as CloudFormation evaluates it for one set of parameter values (the others at
   * their defaults): parameters, conditions and the intrinsic functions the template uses. {@code
   * AWS::NoValue} evaluates to null and drops out of lists, as in CloudFormation.
   */
  private record Stack(Map<String, String> given) {
    Object value(Object expression) {
      if (expression instanceof String s) {
        return s;
      }
      if (expression instanceof List<?> items) {
        List<Object> values = new ArrayList<>();
        for (Object item : items) {
          Object v = value(item);
          if (v != null) {
            values.add(v);
          }
        }
        return values;
      }
      Map<String, Object> fn = asMap(expression, "expression");
      if (fn.size() != 1 || !fn.keySet().iterator().next().matches("Ref|Fn::.*|Condition")) {
        Map<String, Object> values = new LinkedHashMap<>();
        fn.forEach((k, v) -> {
          Object evaluated = value(v);
          if (evaluated != null) {
            values.put(k, evaluated);
          }
        });
        return values;
      }
      String name = fn.keySet().iterator().next();
      Object arg = fn.get(name);
      List<?> args = list(arg);
      return switch (name) {
        case "Ref" -> ref((String) arg);
        case "Fn::GetAtt" -> attribute((String) args.get(0), (String) args.get(1));
        case "Fn::If" -> value(holds((String) args.get(0)) ? args.get(1) : args.get(2));
        case "Fn::Join" ->
            strings(value(args.get(1))).stream().collect(Collectors.joining((String) args.get(0)));
        case "Fn::Split" ->
            List.of(string(args.get(1)).split(Pattern.quote((String) args.get(0)), -1));
        case "Fn::Select" -> list(value(args.get(1))).get(Integer.parseInt(string(args.get(0))));
        case "Fn::Sub" -> sub(args);
        default -> throw new AssertionError("cannot evaluate " + expression);
      };
    }

    String string(Object expression) {
      Object v = value(expression);
      if (!(v instanceof String s)) {
        throw new AssertionError(expression + " is not a string but " + v);
      }
      return s;
    }

    boolean holds(String condition) {
      if (!conditions.containsKey(condition)) {
        throw new AssertionError("no condition " + condition);
      }
      return test(conditions.get(condition));
    }

    /** A condition, rule condition or rule assertion. */
    boolean test(Object expression) {
      Map<String, Object> fn = asMap(expression, "condition");
      String name = fn.keySet().iterator().next();
      List<?> args = list(fn.get(name));
      return switch (name) {
        case "Condition" -> holds((String) fn.get(name));
        case "Fn::Equals" -> Objects.equals(value(args.get(0)), value(args.get(1)));
        case "Fn::Not" -> !test(args.get(0));
        case "Fn::And" -> args.stream().allMatch(this::test);
        case "Fn::Or" -> args.stream().anyMatch(this::test);
        default -> throw new AssertionError("cannot test " + expression);
      };
    }

    /** A resource's properties as this stack would create them, or empty if it is not created. */
    Optional<Map<String, Object>> created(String logicalId) {
      Map<String, Object> resource = asMap(resources.get(logicalId), logicalId);
      Object condition = resource.get("Condition");
      if (condition != null && !holds((String) condition)) {
        return Optional.empty();
      }
      return Optional.of(asMap(value(resource.get("Properties")), logicalId));
    }

    private Object ref(String id) {
      switch (id) {
        case "AWS::NoValue" -> {
          return null;
        }
        case "AWS::StackName" -> {
          return "privatelink-health";
        }
        case "AWS::Region" -> {
          return "us-east-1";
        }
        default -> {}
      }
      if (parameters.containsKey(id)) {
        Map<String, Object> parameter = asMap(parameters.get(id), id);
        String type = (String) parameter.get("Type");
        String v =
            given.containsKey(id)
                ? given.get(id)
                : parameter.containsKey("Default")
                    ? (String) parameter.get("Default")
                    : sample(type, id);
        return type.startsWith("List<") ? List.of(v.split(",", -1)) : v;
      }
      return resourceValue(id);
    }

    private String attribute(String id, String attribute) {
      String sample = RESOURCE_SAMPLES.get(id + "." + attribute);
      return sample != null ? sample : resourceValue(id);
    }

    private String resourceValue(String id) {
      if (!resources.containsKey(id)) {
        throw new AssertionError(id + " is neither a parameter nor a resource");
      }
      String sample = RESOURCE_SAMPLES.get(id);
      return sample != null ? sample : sample(type(resources.get(id)), id);
    }

    private String sub(List<?> args) {
      String text = (String) args.get(0);
      Map<String, Object> vars = args.size() > 1 ? asMap(args.get(1), "Fn::Sub") : Map.of();
      Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String var = m.group(1);
        String v = vars.containsKey(var) ? string(vars.get(var)) : (String) ref(var);
        m.appendReplacement(out, Matcher.quoteReplacement(v));
      }
      m.appendTail(out);
      return out.toString();
    }
  }

  private static String sample(String type, String id) {
    String sample = SAMPLES.get(type);
    if (sample == null) {
      throw new AssertionError("no sample value for " + id + " of type " + type);
    }
    return sample;
  }
}
