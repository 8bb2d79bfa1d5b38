"""Builds a small organization in a running moto server, for `trustgate collect` to collect.

Usage: setup_org.py ENDPOINT OUT.json — writes {"mgmt": ID, "prod": ID, "dev": ID} (moto gives
member accounts random IDs; the test maps them to these names to compare with the fixture).

The organization (the same as tests/collect/expected/, which is written by hand):
- mgmt (moto's default account 123456789012): the management account, role TrustgateCollector.
- prod, dev: members in OU Workloads, each with the audit role of deploy/audit-role/ (trusting
  mgmt's TrustgateCollector with an External ID, read-only policy that is also its boundary).
- prod: CrossAccountAdmin trusting dev's root (AdministratorAccess), VendorReadOnly trusting a
  third party (999988887777) without External ID, bucket prod-shared-data readable by the
  third party, queue prod-events writable by anyone, a KMS key the third party can decrypt with.
- dev: user ci-deployer with an access key, allowed to assume prod's CrossAccountAdmin.
- An SCP DenyLeaveOrganization on the root.
"""

import json
import sys

import boto3

ENDPOINT, OUT = sys.argv[1], sys.argv[2]
REGION = "us-east-1"
MGMT = "123456789012"
VENDOR = "999988887777"
EXTERNAL_ID = "Zq7vK2mX9pR4tW8nB3cL"


def client(service, creds=None):
    kw = dict(endpoint_url=ENDPOINT, region_name=REGION)
    if creds:
        kw.update(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
    return boto3.client(service, **kw)


def doc(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def audit_policy_document():
    with open(__file__.rsplit("/", 1)[0] + "/../../deploy/audit-role/audit-role-policy.json") as f:
        return f.read()


org = client("organizations")
org.create_organization(FeatureSet="ALL")
root_id = org.list_roots()["Roots"][0]["Id"]
org.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
ou = org.create_organizational_unit(ParentId=root_id, Name="Workloads")["OrganizationalUnit"]["Id"]
ids = {"mgmt": MGMT}
for name in ["prod", "dev"]:
    status = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]
    acct = status["AccountId"]
    ids[name] = acct
    org.move_account(AccountId=acct, SourceParentId=root_id, DestinationParentId=ou)
    org.tag_resource(ResourceId=acct, Tags=[{"Key": "env", "Value": name}])
scp = org.create_policy(
    Name="DenyLeaveOrganization",
    Description="members stay",
    Type="SERVICE_CONTROL_POLICY",
    Content=doc([{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]),
)["Policy"]["PolicySummary"]["Id"]
org.attach_policy(PolicyId=scp, TargetId=root_id)

iam = client("iam")
iam.create_role(
    RoleName="TrustgateCollector",
    AssumeRolePolicyDocument=doc(
        [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MGMT}:root"}, "Action": "sts:AssumeRole"}]
    ),
    Tags=[{"Key": "owner", "Value": "security"}, {"Key": "purpose", "Value": "trustgate collect"}],
)

sts = client("sts")
for name in ["prod", "dev"]:
    acct = ids[name]
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{acct}:role/OrganizationAccountAccessRole", RoleSessionName="setup"
    )["Credentials"]
    iam = client("iam", creds)
    boundary = iam.create_policy(PolicyName="TrustgateAuditReadOnly", PolicyDocument=audit_policy_document())[
        "Policy"
    ]["Arn"]
    iam.create_role(
        RoleName="TrustgateAudit",
        AssumeRolePolicyDocument=doc(
            [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{MGMT}:role/TrustgateCollector"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
                }
            ]
        ),
        MaxSessionDuration=3600,
        PermissionsBoundary=boundary,
        Tags=[{"Key": "owner", "Value": "security"}, {"Key": "purpose", "Value": "trustgate collect"}],
    )
    iam.attach_role_policy(RoleName="TrustgateAudit", PolicyArn=boundary)

    if name == "prod":
        iam.create_role(
            RoleName="CrossAccountAdmin",
            AssumeRolePolicyDocument=doc(
                [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ids['dev']}:root"}, "Action": "sts:AssumeRole"}]
            ),
            MaxSessionDuration=7200,
        )
        iam.attach_role_policy(RoleName="CrossAccountAdmin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        iam.create_role(
            RoleName="VendorReadOnly",
            AssumeRolePolicyDocument=doc(
                [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"}, "Action": "sts:AssumeRole"}]
            ),
        )
        iam.put_role_policy(
            RoleName="VendorReadOnly",
            PolicyName="read-shared-data",
            PolicyDocument=doc(
                [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::prod-shared-data/*"}]
            ),
        )
        s3 = client("s3", creds)
        s3.create_bucket(Bucket="prod-shared-data")
        s3.put_bucket_policy(
            Bucket="prod-shared-data",
            Policy=doc(
                [
                    {
                        "Sid": "VendorRead",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"},
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::prod-shared-data/*",
                    }
                ]
            ),
        )
        s3.create_bucket(Bucket="prod-private-logs")  # no policy: nothing to collect
        sqs = client("sqs", creds)
        url = sqs.create_queue(QueueName="prod-events")["QueueUrl"]
        sqs.set_queue_attributes(
            QueueUrl=url,
            Attributes={
                "Policy": doc(
                    [
                        {
                            "Sid": "AnyoneSends",
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "sqs:SendMessage",
                            "Resource": f"arn:aws:sqs:{REGION}:{acct}:prod-events",
                        }
                    ]
                )
            },
        )
        kms = client("kms", creds)
        key_policy = doc(
            [
                {
                    "Sid": "Owner",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{acct}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "VendorDecrypt",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"},
                    "Action": "kms:Decrypt",
                    "Resource": "*",
                },
            ]
        )
        kms.create_key(Policy=key_policy, Description="shared with the vendor")
    else:
        iam.create_user(UserName="ci-deployer")
        iam.create_access_key(UserName="ci-deployer")
        iam.put_user_policy(
            UserName="ci-deployer",
            PolicyName="deploy-to-prod",
            PolicyDocument=doc(
                [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Resource": f"arn:aws:iam::{ids['prod']}:role/CrossAccountAdmin",
                    }
                ]
            ),
        )

with open(OUT, "w") as f:
    json.dump(ids, f)
print("moto organization:", json.dumps(ids))
