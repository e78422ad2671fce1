"""Transforms a SAM template into plain CloudFormation JSON, as `sam validate` does.

Usage: python3 sam_translate.py TEMPLATE REGION CODE_BUCKET CODE_KEY > transformed.json

The same translator (samtranslator, installed with aws-sam-cli) and the same parser; the local
CodeUri is replaced by the S3 location `sam package` would upload it to. Nothing talks to AWS: the
template names no managed policies, so the translator never asks IAM for their ARNs.
"""

import json
import sys

import boto3

from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse


def main(template_path, region, bucket, key):
    with open(template_path, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = f"s3://{bucket}/{key}"
    # The region only names ARNs (AWS::Region); no call is made.
    session = boto3.session.Session(region_name=region)
    translator = Translator(
        managed_policy_map=None, sam_parser=Parser(), plugins=[], boto_session=session
    )
    transformed = translator.translate(
        sam_template=template, parameter_values={}, get_managed_policy_map=lambda: {}
    )
    json.dump(transformed, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
