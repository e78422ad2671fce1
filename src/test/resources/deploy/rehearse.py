"""Creates template.yaml as a stack in moto's CloudFormation, as `sam deploy` would, and describes
what came of it as JSON on standard output.

Usage: python3 rehearse.py MOTO_URL REGION STACK_NAME JAR PARAMETERS_JSON

Against moto on loopback only: a VPC (10.20.0.0/16, DNS support and host names on) with a subnet
in each of two Availability Zones and a route table, a bucket holding the packaged jar (what
`sam package` uploads), then the template transformed by SAM's translator (sam_translate.py) and
created with PARAMETERS_JSON, where ${VpcId}, ${VpcCidr}, ${SubnetA}, ${SubnetB} and
${RouteTableId} name what was made here.
"""

import json
import os
import subprocess
import sys
import time

import boto3


def main(moto_url, region, stack, jar, parameters_json):
    if not moto_url.startswith(("http://127.", "http://localhost")):
        raise SystemExit("only a loopback moto is allowed, got " + moto_url)
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
    )
    client = lambda name: session.client(name, endpoint_url=moto_url)
    ec2, s3, cfn = client("ec2"), client("s3"), client("cloudformation")

    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]
    ec2.modify_vpc_attribute(VpcId=vpc["VpcId"], EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc["VpcId"], EnableDnsHostnames={"Value": True})
    subnets = [
        ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock=cidr, AvailabilityZone=region + zone)[
            "Subnet"
        ]
        for cidr, zone in (("10.20.1.0/24", "a"), ("10.20.2.0/24", "b"))
    ]
    route_table = ec2.create_route_table(VpcId=vpc["VpcId"])["RouteTable"]["RouteTableId"]
    names = {
        "${VpcId}": vpc["VpcId"],
        "${VpcCidr}": vpc["CidrBlock"],
        "${SubnetA}": subnets[0]["SubnetId"],
        "${SubnetB}": subnets[1]["SubnetId"],
        "${RouteTableId}": route_table,
    }

    bucket, key = stack + "-code", "privatelink-health.jar"
    s3.create_bucket(Bucket=bucket)
    with open(jar, "rb") as f:
        s3.put_object(Bucket=bucket, Key=key, Body=f.read())
    here = os.path.dirname(os.path.abspath(__file__))
    body = subprocess.check_output(
        [sys.executable, os.path.join(here, "sam_translate.py"), "template.yaml", region, bucket, key]
    ).decode()

    parameters = json.loads(parameters_json)
    for name, value in names.items():
        parameters = {k: v.replace(name, value) for k, v in parameters.items()}
    cfn.create_stack(
        StackName=stack,
        TemplateBody=body,
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM"],
    )
    deadline = time.monotonic() + 120
    while True:
        described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
        if not described["StackStatus"].endswith("_IN_PROGRESS") or time.monotonic() > deadline:
            break
        time.sleep(0.2)

    resources = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    group_ids = [
        r["PhysicalResourceId"]
        for r in resources
        if r.get("ResourceType") == "AWS::EC2::SecurityGroup"
    ]
    json.dump(
        {
            "names": names,
            "template": {
                logical: resource["Type"]
                for logical, resource in json.loads(body)["Resources"].items()
            },
            "status": described["StackStatus"],
            "statusReason": described.get("StackStatusReason"),
            "outputs": {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])},
            "resources": [
                {
                    "logicalId": r.get("LogicalResourceId", ""),
                    "type": r.get("ResourceType", ""),
                    "status": r.get("ResourceStatus", ""),
                    "physicalId": r.get("PhysicalResourceId", ""),
                }
                for r in resources
            ],
            "securityGroups": ec2.describe_security_groups(GroupIds=group_ids)["SecurityGroups"]
            if group_ids
            else [],
            "vpcEndpoints": ec2.describe_vpc_endpoints(
                Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
            )["VpcEndpoints"],
            "functions": client("lambda").list_functions()["Functions"],
        },
        sys.stdout,
        indent=1,
        default=str,
    )


if __name__ == "__main__":
    main(*sys.argv[1:6])
