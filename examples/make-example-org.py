#!/usr/bin/env python3
"""Writes examples/org/, the bundled example organization (see examples/README.md).

The files are committed; this script is how they were made, so the example can be changed
in one place. Documents are written as AWS prints them; the staging account uses the raw
IAM API form (URL-encoded policy documents) on purpose.
Run from the repository root: python3 examples/make-example-org.py
"""
import hashlib
import json
import urllib.parse
from pathlib import Path

OUT = Path(__file__).resolve().parent / "org"

MGMT, IDENTITY, TOOLING, PROD, STAGING, SECURITY, SANDBOX = (
    "100000000001", "100000000002", "100000000003", "100000000004",
    "100000000005", "100000000006", "100000000007",
)
MSP = "999988887777"          # an MSP outside the org (named in examples/known-accounts.json)
DATADOG = "464622532012"      # Datadog's public integration account (known_aws_accounts list)
NEWRELIC = "754728514883"     # New Relic (known_aws_accounts list)
CLOUDHEALTH = "454464851268"  # CloudHealth (known_aws_accounts list)
ORG_ID = "o-exampleorg1"
V = "2012-10-17"

AWS_MANAGED = {
    "AdministratorAccess": {"Version": V, "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    "ReadOnlyAccess": {"Version": V, "Statement": [{"Sid": "ReadOnly", "Effect": "Allow", "Action": [
        f"{s}:{v}*" for s in ["cloudtrail", "cloudwatch", "ec2", "iam", "kms", "lambda", "logs", "rds", "s3", "sqs", "sns", "sts"]
        for v in ["Describe", "Get", "List"]], "Resource": "*"}]},
    "SecurityAudit": {"Version": V, "Statement": [{"Effect": "Allow", "Action": [
        "access-analyzer:List*", "cloudtrail:Describe*", "cloudtrail:Get*", "config:Describe*", "ec2:Describe*",
        "iam:GenerateCredentialReport", "iam:Get*", "iam:List*", "kms:Describe*", "kms:List*", "s3:GetBucketPolicy",
        "s3:ListAllMyBuckets", "organizations:Describe*", "organizations:List*"], "Resource": "*"}]},
    "PowerUserAccess": {"Version": V, "Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization"], "Resource": "*"}]},
    "service-role/AWSLambdaBasicExecutionRole": {"Version": V, "Statement": [{"Effect": "Allow", "Action": [
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]},
    "service-role/AWS_ConfigRole": {"Version": V, "Statement": [{"Effect": "Allow", "Action": [
        "config:Put*", "ec2:Describe*", "iam:Get*", "iam:List*", "s3:GetBucket*"], "Resource": "*"}]},
}


def uid(s):
    return hashlib.sha1(s.encode()).hexdigest()[:16].upper()


def enc(doc):
    return urllib.parse.quote(json.dumps(doc, separators=(",", ":")), safe="")


def trust(*statements):
    return {"Version": V, "Statement": list(statements)}


def allow_assume(principal, condition=None, actions="sts:AssumeRole", sid=None):
    st = {"Effect": "Allow", "Principal": principal, "Action": actions}
    if sid:
        st["Sid"] = sid
    if condition:
        st["Condition"] = condition
    return st


class Account:
    def __init__(self, account_id, encoded=False):
        self.id = account_id
        self.encoded = encoded
        self.roles, self.users, self.groups, self.policies = [], [], [], {}
        self.listed = []

    def doc(self, d):
        return enc(d) if self.encoded else d

    def managed(self, name, doc=None, old_versions=(), as_boundary=False):
        """Attaches an AWS-managed policy (or registers a customer one) and returns its ARN.

        `old_versions` are earlier, non-default documents: get-account-authorization-details
        lists every version, and only the default one is in force."""
        if doc is None:
            arn = f"arn:aws:iam::aws:policy/{name}"
            doc = AWS_MANAGED[name]
            short = name.split("/")[-1]
            path = "/" + name[: -len(short)] if "/" in name else "/"
        else:
            arn = f"arn:aws:iam::{self.id}:policy/{name}"
            short = name
            path = "/"
        versions = [*old_versions, doc]
        default = f"v{len(versions)}"
        entry = self.policies.setdefault(arn, {
            "PolicyName": short, "PolicyId": "ANPA" + uid(arn), "Arn": arn,
            "Path": path, "DefaultVersionId": default, "AttachmentCount": 0, "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True, "CreateDate": "2023-01-10T09:00:00Z",
            "UpdateDate": "2023-01-10T09:00:00Z" if len(versions) == 1 else "2024-06-03T14:20:00Z",
            "PolicyVersionList": [{"Document": self.doc(d), "VersionId": f"v{i}", "IsDefaultVersion": f"v{i}" == default,
                                   "CreateDate": "2023-01-10T09:00:00Z" if i == 1 else "2024-06-03T14:20:00Z"}
                                  for i, d in reversed(list(enumerate(versions, 1)))],
        })
        entry["PermissionsBoundaryUsageCount" if as_boundary else "AttachmentCount"] += 1
        return arn

    def role(self, name, trust_doc, managed=(), inline=None, boundary=None, tags=None, last_used=None,
             max_session=3600, path="/", created="2023-03-01T10:00:00Z", role_id=None, instance_profile=False,
             description=None):
        arn = f"arn:aws:iam::{self.id}:role{path}{name}"
        attached = []
        for m in managed:
            if isinstance(m, tuple):
                arn_m = self.managed(*m)
                attached.append({"PolicyName": m[0], "PolicyArn": arn_m})
            else:
                arn_m = self.managed(m)
                attached.append({"PolicyName": m.split("/")[-1], "PolicyArn": arn_m})
        role_id = role_id or ("AROA" + uid(arn))
        profiles = []
        if instance_profile:
            # AWS repeats the role inside its instance profiles.
            profiles.append({
                "Path": "/", "InstanceProfileName": name, "InstanceProfileId": "AIPA" + uid(arn + "/profile"),
                "Arn": f"arn:aws:iam::{self.id}:instance-profile/{name}", "CreateDate": created,
                "Roles": [{"Path": path, "RoleName": name, "RoleId": role_id, "Arn": arn, "CreateDate": created,
                           "AssumeRolePolicyDocument": self.doc(trust_doc)}]})
        r = {
            "Path": path, "RoleName": name,
            "RoleId": role_id,
            "Arn": arn, "CreateDate": created,
            "AssumeRolePolicyDocument": self.doc(trust_doc),
            "InstanceProfileList": profiles,
            "RolePolicyList": [{"PolicyName": n, "PolicyDocument": self.doc(d)} for n, d in (inline or {}).items()],
            "AttachedManagedPolicies": attached,
            "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
            "RoleLastUsed": ({"LastUsedDate": last_used, "Region": "eu-west-1"} if last_used else {}),
        }
        if boundary:
            b_arn = self.managed(boundary[0], boundary[1], as_boundary=True)
            r["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": b_arn}
        self.roles.append(r)
        # What `aws iam list-roles` prints for it (MaxSessionDuration is only there).
        listed = {"Path": path, "RoleName": name, "RoleId": role_id, "Arn": arn, "CreateDate": created,
                  "AssumeRolePolicyDocument": self.doc(trust_doc)}
        if description:
            listed["Description"] = description
        listed["MaxSessionDuration"] = max_session
        self.listed.append(listed)
        return arn

    def user(self, name, groups=(), inline=None, managed=(), tags=None):
        arn = f"arn:aws:iam::{self.id}:user/{name}"
        self.users.append({
            "Path": "/", "UserName": name, "UserId": "AIDA" + uid(arn),
            "Arn": arn, "CreateDate": "2022-05-01T12:00:00Z", "GroupList": list(groups),
            "UserPolicyList": [{"PolicyName": n, "PolicyDocument": self.doc(d)} for n, d in (inline or {}).items()],
            "AttachedManagedPolicies": [{"PolicyName": m, "PolicyArn": self.managed(m)} for m in managed],
            "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
        })
        return arn

    def group(self, name, inline=None, managed=()):
        arn = f"arn:aws:iam::{self.id}:group/{name}"
        self.groups.append({
            "Path": "/", "GroupName": name, "GroupId": "AGPA" + uid(arn),
            "Arn": arn, "CreateDate": "2022-05-01T12:00:00Z",
            "GroupPolicyList": [{"PolicyName": n, "PolicyDocument": self.doc(d)} for n, d in (inline or {}).items()],
            "AttachedManagedPolicies": [{"PolicyName": m, "PolicyArn": self.managed(m)} for m in managed],
        })

    def write(self):
        details = {"UserDetailList": self.users, "GroupDetailList": self.groups,
                   "RoleDetailList": self.roles, "Policies": list(self.policies.values())}
        (OUT / f"{self.id}.json").write_text(json.dumps(details, indent=2) + "\n")
        roles = {"Roles": self.listed}
        (OUT / "roles" / f"{self.id}.json").write_text(json.dumps(roles, indent=2) + "\n")


CREDENTIAL_COLUMNS = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
    "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated",
    "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated",
    "cert_2_active", "cert_2_last_rotated"]


def root_row(acct, created):
    return {"user": "<root_account>", "arn": f"arn:aws:iam::{acct}:root", "user_creation_time": created,
            "password_enabled": "not_supported", "password_last_used": "no_information",
            "password_last_changed": "not_supported", "password_next_rotation": "not_supported",
            "mfa_active": "true"}


def user_row(acct, name, mfa, password_last_used=None, key1=None):
    """key1: (last_rotated, last_used or None, service or None)."""
    row = {"user": name, "arn": f"arn:aws:iam::{acct}:user/{name}", "user_creation_time": "2022-05-01T12:00:00+00:00",
           "password_enabled": "true" if password_last_used else "false",
           "password_last_used": password_last_used or "N/A",
           "password_last_changed": "2022-05-01T12:05:00+00:00" if password_last_used else "N/A",
           "password_next_rotation": "N/A", "mfa_active": "true" if mfa else "false"}
    if key1:
        rotated, used, service = key1
        row.update({"access_key_1_active": "true", "access_key_1_last_rotated": rotated,
                    "access_key_1_last_used_date": used or "N/A",
                    "access_key_1_last_used_region": "eu-west-1" if used else "N/A",
                    "access_key_1_last_used_service": service or "N/A"})
    return row


def credential_report(acct, rows):
    lines = [",".join(CREDENTIAL_COLUMNS)]
    for r in rows:
        lines.append(",".join(r.get(c, "false" if c.endswith("_active") else "N/A") for c in CREDENTIAL_COLUMNS))
    (OUT / f"credential-report-{acct}.csv").write_text("\n".join(lines) + "\n")


OWNED = {"owner": "platform-team", "purpose": "documented cross-account access"}
BOUNDARY = ("cross-account-boundary", {"Version": V, "Statement": [
    {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
    {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "iam:PassRole"], "Resource": "*"}]})


def security_audit_role(acct):
    """The security account's audit role in every account: a specific principal, read-only, boundary, tags."""
    acct.role("security-audit", trust(allow_assume(
        {"AWS": f"arn:aws:iam::{SECURITY}:role/security-audit"},
        {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}})),
        managed=["SecurityAudit"], boundary=BOUNDARY, last_used="2026-10-30T06:00:00Z",
        tags={"owner": "security-team", "purpose": "organization-wide security audit"})


def main():
    (OUT / "roles").mkdir(parents=True, exist_ok=True)
    (OUT / "resources").mkdir(parents=True, exist_ok=True)

    # --- management ---------------------------------------------------------------
    mgmt = Account(MGMT)
    mgmt.role("security-audit", trust(allow_assume({"AWS": f"arn:aws:iam::{SECURITY}:role/security-audit"})),
              managed=["SecurityAudit"], boundary=BOUNDARY, last_used="2026-10-29T06:00:00Z",
              tags={"owner": "security-team", "purpose": "organization-wide security audit"})

    # --- identity: the people ---------------------------------------------------------
    ident = Account(IDENTITY)
    ident.group("engineers", inline={"assume-engineer-roles": {"Version": V, "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": [
            f"arn:aws:iam::{PROD}:role/engineer-readonly", f"arn:aws:iam::{STAGING}:role/deploy",
            f"arn:aws:iam::{SANDBOX}:role/sandbox-admin"],
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}})
    ident.user("alice", groups=["engineers"], tags={"email": "alice@example.com"},
               inline={"security-duty": {"Version": V, "Statement": [
                   {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{SECURITY}:role/security-audit",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}})
    ident.user("bob", groups=["engineers"], tags={"email": "bob@example.com"},
               inline={"assume-anything": {"Version": V, "Statement": [
                   {"Sid": "Convenience", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}})
    # People sign in through the corporate IdP (SAML); MFA is enforced there, not in IAM.
    ident.role("sso-engineer", trust(allow_assume(
        {"Federated": f"arn:aws:iam::{IDENTITY}:saml-provider/ExampleIdP"},
        {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
        actions=["sts:AssumeRoleWithSAML", "sts:TagSession"])),
        managed=["ReadOnlyAccess"], max_session=28800, last_used="2026-10-31T08:15:00Z",
        description="Engineers signing in through the corporate IdP",
        tags={"owner": "identity-team", "purpose": "SSO sign-in for engineers"})
    ident.user("oncall-breakglass", tags={"email": "oncall@example.com"}, inline={"break-glass": {"Version": V, "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{PROD}:role/break-glass"}]}})
    security_audit_role(ident)
    # The credential report (what `aws iam get-credential-report` returns, base64-decoded).
    credential_report(IDENTITY, [
        root_row(IDENTITY, created="2022-01-10T09:00:00+00:00"),
        # alice: password, MFA, a recent key.
        user_row(IDENTITY, "alice", password_last_used="2026-10-31T08:00:00+00:00", mfa=True,
                 key1=("2026-09-15T10:00:00+00:00", "2026-10-30T16:20:00+00:00", "sts")),
        # bob: password, no MFA, a key from 2024 still in use (TG019, TG020, TG022).
        user_row(IDENTITY, "bob", password_last_used="2026-10-28T07:45:00+00:00", mfa=False,
                 key1=("2024-03-02T11:00:00+00:00", "2026-10-20T09:10:00+00:00", "sts")),
        # the break-glass user: password only, and no MFA device although its role requires MFA.
        user_row(IDENTITY, "oncall-breakglass", password_last_used="2025-12-24T02:00:00+00:00", mfa=False),
    ])

    # --- tooling: CI ----------------------------------------------------------------------
    tool = Account(TOOLING)
    gha = tool.role("github-actions", trust(allow_assume(
        {"Federated": f"arn:aws:iam::{TOOLING}:oidc-provider/token.actions.githubusercontent.com"},
        {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
         "StringLike": {"token.actions.githubusercontent.com:sub": "repo:example-org/platform:ref:refs/heads/main"}},
        actions="sts:AssumeRoleWithWebIdentity")),
        inline={"assume-deployer": {"Version": V, "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                 "Resource": f"arn:aws:iam::{TOOLING}:role/ci-deployer"}]}},
        last_used="2026-10-31T17:00:00Z", tags={"owner": "platform-team", "purpose": "GitHub Actions entry point"})
    tool.role("ci-deployer", trust(allow_assume({"AWS": gha})),
              inline={"deploy-everywhere": {"Version": V, "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                      "Resource": [f"arn:aws:iam::{PROD}:role/deploy", f"arn:aws:iam::{STAGING}:role/deploy",
                                   f"arn:aws:iam::{PROD}:role/prod-admin"]}]}},
              last_used="2026-10-31T17:01:00Z", tags={"owner": "platform-team", "purpose": "CI deployments"})
    security_audit_role(tool)

    # --- prod ------------------------------------------------------------------------------
    prod = Account(PROD)
    deploy_v1 = {"Version": V, "Statement": [  # the first draft; v2 is the default in force
        {"Effect": "Allow", "Action": ["cloudformation:*", "s3:*", "iam:PassRole"], "Resource": "*"}]}
    deploy_policy = ("deploy-app", {"Version": V, "Statement": [
        {"Sid": "Stacks", "Effect": "Allow", "Action": ["cloudformation:CreateStack", "cloudformation:UpdateStack",
                                                        "cloudformation:DescribeStacks"],
         "Resource": f"arn:aws:cloudformation:eu-west-1:{PROD}:stack/app-*/*"},
        {"Sid": "Artifacts", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::example-artifacts/*"},
        {"Sid": "PassAppRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{PROD}:role/app-*"}]},
        [deploy_v1])
    prod.role("deploy", trust(allow_assume({"AWS": f"arn:aws:iam::{TOOLING}:role/ci-deployer"}, actions=["sts:AssumeRole", "sts:TagSession"])),
              managed=[deploy_policy], boundary=BOUNDARY, last_used="2026-10-31T17:02:00Z",
              tags={"owner": "platform-team", "purpose": "CI deploys the app stacks"})
    prod.role("prod-admin", trust(allow_assume({"AWS": f"arn:aws:iam::{TOOLING}:role/ci-deployer"})),
              managed=["AdministratorAccess"], max_session=43200, last_used="2026-10-20T09:00:00Z",
              description="Full admin for CI; 12 h sessions configured",
              tags={"owner": "platform-team", "purpose": "emergency infrastructure changes"})
    prod.role("OrganizationAccountAccessRole", trust(allow_assume({"AWS": f"arn:aws:iam::{MGMT}:root"})),
              managed=["AdministratorAccess"], last_used="2026-06-01T10:00:00Z", created="2021-01-01T00:00:00Z")
    prod.role("engineer-readonly", trust(allow_assume({"AWS": f"arn:aws:iam::{IDENTITY}:root"},
                                                      {"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
              managed=["ReadOnlyAccess"], boundary=BOUNDARY, last_used="2026-10-30T12:00:00Z", tags=OWNED)
    prod.role("break-glass", trust(allow_assume({"AWS": f"arn:aws:iam::{IDENTITY}:user/oncall-breakglass"})),
              managed=["AdministratorAccess"], last_used="2026-09-15T03:00:00Z",
              tags={"owner": "sre", "purpose": "break-glass access"})
    prod.role("datadog-integration", trust(allow_assume({"AWS": f"arn:aws:iam::{DATADOG}:root"},
                                                        {"StringEquals": {"sts:ExternalId": "3f1c9a7e5d2b4c8a9e6f0b1d2c3a4e5f"}})),
              managed=["SecurityAudit"], boundary=BOUNDARY, last_used="2026-10-31T23:00:00Z",
              tags={"owner": "observability", "purpose": "Datadog AWS integration"})
    prod.role("msp-support", trust(allow_assume({"AWS": f"arn:aws:iam::{MSP}:root"})),
              managed=["AdministratorAccess"], last_used="2026-10-01T08:00:00Z")
    prod.role("legacy-partner", trust(allow_assume({"AWS": "AROAZ5EXAMPLEDELETED1"})),
              managed=["ReadOnlyAccess"], created="2020-04-01T00:00:00Z")
    prod.role("config-recorder", trust(allow_assume({"Service": "config.amazonaws.com"})),
              managed=["service-role/AWS_ConfigRole"], path="/service-role/", last_used="2026-10-31T00:00:00Z")
    prod.role("cloudtrail-to-logs", trust(allow_assume({"Service": "cloudtrail.amazonaws.com"},
                                                       {"StringEquals": {"aws:SourceAccount": PROD}})),
              inline={"write-logs": {"Version": V, "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                                                   "Resource": f"arn:aws:logs:eu-west-1:{PROD}:log-group:cloudtrail:*"}]}},
              path="/service-role/", last_used="2026-10-31T00:00:00Z")
    prod.role("developer", trust(allow_assume({"AWS": f"arn:aws:iam::{IDENTITY}:root"},
                                              {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                                               "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{IDENTITY}:user/*"}})),
              inline={"serverless-dev": {"Version": V, "Statement": [
                  {"Sid": "Functions", "Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:InvokeFunction"], "Resource": "*"},
                  {"Sid": "PassAnyRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{PROD}:role/*"},
                  {"Sid": "OwnAppRoles", "Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy", "Resource": f"arn:aws:iam::{PROD}:role/app-*"}]}},
              boundary=BOUNDARY, last_used="2026-10-31T09:00:00Z", tags={"owner": "app-team", "purpose": "serverless development"})
    prod.role("ops-automation", trust(allow_assume({"Service": "lambda.amazonaws.com"})),
              managed=["AdministratorAccess"], path="/service-role/", last_used="2026-10-31T04:00:00Z",
              tags={"owner": "sre", "purpose": "nightly maintenance function"})
    prod.role("app-api", trust(allow_assume({"Service": "lambda.amazonaws.com"})),
              managed=["service-role/AWSLambdaBasicExecutionRole"], last_used="2026-10-31T22:00:00Z", tags=OWNED)
    prod.role("app-worker", trust(allow_assume({"Service": "ec2.amazonaws.com"})),
              inline={"worker": {"Version": V, "Statement": [
                  {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                   "Resource": f"arn:aws:sqs:eu-west-1:{PROD}:orders"},
                  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-artifacts/*"}]}},
              instance_profile=True, last_used="2026-10-31T23:30:00Z", tags=OWNED,
              description="Order workers on EC2")
    security_audit_role(prod)

    # --- staging (raw IAM API form: URL-encoded documents) -------------------------------
    stg = Account(STAGING, encoded=True)
    stg.role("deploy", trust(allow_assume({"AWS": f"arn:aws:iam::{TOOLING}:role/ci-deployer"}),
                             allow_assume({"AWS": f"arn:aws:iam::{IDENTITY}:root"}, {"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
             managed=["PowerUserAccess"], boundary=BOUNDARY, last_used="2026-10-31T16:00:00Z",
             tags={"owner": "platform-team", "purpose": "CI and engineers deploy to staging"})
    stg.role("data-sync", trust(allow_assume({"AWS": f"arn:aws:iam::{PROD}:role/app-api"})),
             inline={"sync": {"Version": V, "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}},
             last_used="2026-10-28T02:00:00Z", tags={"owner": "data-team", "purpose": "copies prod data to staging"})
    stg.role("open-sesame", trust(allow_assume({"AWS": "*"})), managed=["ReadOnlyAccess"],
             last_used="2026-10-25T11:00:00Z", tags={"owner": "unknown", "purpose": "<script>alert('tag')</script>"})
    stg.role("org-shared-reader", trust(allow_assume({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}})),
             managed=["ReadOnlyAccess"], boundary=BOUNDARY, last_used="2026-10-30T10:00:00Z", tags=OWNED)
    stg.role("newrelic-integration", trust(allow_assume({"AWS": f"arn:aws:iam::{NEWRELIC}:root"},
                                                        {"StringEquals": {"sts:ExternalId": "12345"}})),
             managed=["ReadOnlyAccess"], last_used="2026-10-31T21:00:00Z",
             tags={"owner": "observability", "purpose": "New Relic integration"})
    stg.role("cloudhealth-billing", trust(allow_assume({"AWS": f"arn:aws:iam::{CLOUDHEALTH}:root"},
                                                       {"StringEquals": {"sts:ExternalId": "7f3a9c2e-b41d-4e6a-9c55-0d3e8a1f2b6c"}})),
             managed=["ReadOnlyAccess"], last_used="2026-10-31T05:00:00Z", tags={"owner": "finops", "purpose": "CloudHealth"})
    stg.role("datadog-staging", trust(allow_assume({"AWS": f"arn:aws:iam::{DATADOG}:root"},
                                                   {"StringEquals": {"sts:ExternalId": "7f3a9c2e-b41d-4e6a-9c55-0d3e8a1f2b6c"}})),
             managed=["SecurityAudit"], last_used="2026-10-31T05:00:00Z", tags={"owner": "observability", "purpose": "Datadog"})
    security_audit_role(stg)

    # --- security / logging -------------------------------------------------------------
    sec = Account(SECURITY)
    sec.role("security-audit", trust(allow_assume({"AWS": f"arn:aws:iam::{IDENTITY}:root"},
                                                  {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                                                   "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{IDENTITY}:user/alice"}})),
             managed=["SecurityAudit"], inline={"hop-into-accounts": {"Version": V, "Statement": [
                 {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/security-audit"}]}},
             boundary=BOUNDARY, last_used="2026-10-31T06:00:00Z",
             tags={"owner": "security-team", "purpose": "security audit hub"})
    sec.role("log-reader", trust(allow_assume({"AWS": f"arn:aws:iam::{SECURITY}:role/security-audit"})),
             inline={"read-logs": {"Version": V, "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                                                                 "Resource": ["arn:aws:s3:::example-org-cloudtrail",
                                                                              "arn:aws:s3:::example-org-cloudtrail/*"]}]}},
             last_used="2026-10-31T06:05:00Z", tags=OWNED)

    # --- sandbox ---------------------------------------------------------------------------------
    sbx = Account(SANDBOX)
    # A local copy of alice, left from a hackathon: the same person in two accounts (TG021),
    # with a key that was never used (TG020).
    sbx.user("alice", tags={"email": "alice@example.com"}, managed=["ReadOnlyAccess"])
    credential_report(SANDBOX, [
        root_row(SANDBOX, created="2023-06-01T09:00:00+00:00"),
        user_row(SANDBOX, "alice", mfa=False, key1=("2025-01-10T12:00:00+00:00", None, None)),
    ])
    sbx.role("sandbox-admin", trust(allow_assume({"AWS": f"arn:aws:iam::{IDENTITY}:root"},
                                                 {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{IDENTITY}:user/*"},
                                                  "Bool": {"aws:MultiFactorAuthPresent": "true"}})),
             managed=["PowerUserAccess"], boundary=BOUNDARY, last_used="2026-10-31T10:00:00Z", tags=OWNED)
    sbx.role("hackathon-2024", trust(allow_assume({"AWS": f"arn:aws:iam::{IDENTITY}:user/bob"})),
             managed=["PowerUserAccess"], last_used="2025-03-14T15:00:00Z", tags={"owner": "bob"})
    sbx.role("never-used-experiment", trust(allow_assume({"AWS": f"arn:aws:iam::{TOOLING}:role/ci-deployer"})),
             managed=["ReadOnlyAccess"], created="2025-01-05T00:00:00Z", tags=OWNED)
    sbx.role("everyone-but-mallory", trust({"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{IDENTITY}:user/mallory"},
                                            "Action": "sts:AssumeRole"}),
             managed=["ReadOnlyAccess"], last_used="2026-10-02T00:00:00Z", tags=OWNED)
    security_audit_role(sbx)

    for a in [mgmt, ident, tool, prod, stg, sec, sbx]:
        a.write()

    # --- organization ---------------------------------------------------------------------
    full = {"Version": V, "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    org = {
        "organizationId": ORG_ID, "managementAccountId": MGMT, "rootId": "r-ex01",
        "organizationalUnits": [
            {"id": "ou-ex01-security", "name": "Security", "parentId": "r-ex01"},
            {"id": "ou-ex01-infra", "name": "Infrastructure", "parentId": "r-ex01"},
            {"id": "ou-ex01-workloads", "name": "Workloads", "parentId": "r-ex01"},
            {"id": "ou-ex01-sandbox", "name": "Sandbox", "parentId": "r-ex01"}],
        "accounts": [
            {"id": MGMT, "name": "management", "parentId": "r-ex01", "tags": {}},
            {"id": IDENTITY, "name": "identity", "parentId": "ou-ex01-infra", "tags": {"env": "shared"}},
            {"id": TOOLING, "name": "tooling", "parentId": "ou-ex01-infra", "tags": {"env": "shared"}},
            {"id": PROD, "name": "prod", "parentId": "ou-ex01-workloads", "tags": {"env": "prod"}},
            {"id": STAGING, "name": "staging", "parentId": "ou-ex01-workloads", "tags": {"env": "staging"}},
            {"id": SECURITY, "name": "security", "parentId": "ou-ex01-security", "tags": {"env": "shared"}},
            {"id": SANDBOX, "name": "sandbox", "parentId": "ou-ex01-sandbox", "tags": {"env": "sandbox"}}],
        "policies": [
            {"id": "p-FullAWSAccess", "name": "FullAWSAccess", "type": "SERVICE_CONTROL_POLICY", "document": full,
             "targets": ["r-ex01", "ou-ex01-security", "ou-ex01-infra", "ou-ex01-workloads", "ou-ex01-sandbox",
                         IDENTITY, TOOLING, PROD, STAGING, SECURITY, SANDBOX]},
            {"id": "p-DenyLeaveOrg", "name": "DenyLeaveOrganization", "type": "SERVICE_CONTROL_POLICY",
             "document": {"Version": V, "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]},
             "targets": ["r-ex01"]},
            {"id": "p-EURegionsOnly", "name": "DenyOutsideEU", "type": "SERVICE_CONTROL_POLICY",
             "document": {"Version": V, "Statement": [{"Sid": "DenyOutsideEU", "Effect": "Deny",
                 "NotAction": ["iam:*", "sts:*", "organizations:*", "support:*", "cloudfront:*", "route53:*"], "Resource": "*",
                 "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]},
             "targets": ["ou-ex01-workloads"]},
            {"id": "p-RCPFullAWSAccess", "name": "RCPFullAWSAccess", "type": "RESOURCE_CONTROL_POLICY",
             "document": {"Version": V, "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
             "targets": ["r-ex01", "ou-ex01-security", "ou-ex01-infra", "ou-ex01-workloads", "ou-ex01-sandbox",
                         IDENTITY, TOOLING, PROD, STAGING, SECURITY, SANDBOX]},
            {"id": "p-RCPOrgOnlyS3", "name": "DenyS3OutsideOrg", "type": "RESOURCE_CONTROL_POLICY",
             "document": {"Version": V, "Statement": [{"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
                 "Action": "s3:*", "Resource": "*",
                 "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID},
                               "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]},
             "targets": ["ou-ex01-workloads"]}],
    }
    (OUT / "organization.json").write_text(json.dumps(org, indent=2) + "\n")

    # --- resource policies ------------------------------------------------------------------
    s3 = [
        {"arn": "arn:aws:s3:::example-org-cloudtrail", "accountId": SECURITY, "policy": {"Version": V, "Statement": [
            {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": "arn:aws:s3:::example-org-cloudtrail/AWSLogs/*",
             "Condition": {"StringEquals": {"aws:SourceOrgID": ORG_ID}}},
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": "arn:aws:s3:::example-org-cloudtrail/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}},
        {"arn": "arn:aws:s3:::example-partner-exchange", "accountId": PROD, "policy": {"Version": V, "Statement": [
            {"Sid": "PartnerDrop", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MSP}:root"},
             "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::example-partner-exchange/*"},
            {"Sid": "EveryoneElse", "Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{PROD}:role/deploy"},
             "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example-partner-exchange"}]}},
        {"arn": "arn:aws:s3:::example-public-website", "accountId": STAGING, "policy": {"Version": V, "Statement": [
            {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::example-public-website/*"}]}},
    ]
    other = [
        {"arn": f"arn:aws:kms:eu-west-1:{PROD}:key/1a2b3c4d-0000-4000-8000-00000000beef", "accountId": PROD,
         "policy": {"Version": V, "Statement": [
             {"Sid": "EnableIAMPolicies", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"}, "Action": "kms:*", "Resource": "*"},
             {"Sid": "SecurityDecrypt", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SECURITY}:role/log-reader"},
              "Action": "kms:Decrypt", "Resource": "*"}]}},
        {"arn": f"arn:aws:sqs:eu-west-1:{PROD}:orders", "accountId": PROD, "policy": {"Version": V, "Statement": [
            {"Sid": "StagingSends", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{STAGING}:role/data-sync"},
             "Action": "sqs:SendMessage", "Resource": f"arn:aws:sqs:eu-west-1:{PROD}:orders"}]}},
        {"arn": f"arn:aws:secretsmanager:eu-west-1:{PROD}:secret:db-password-AbCdEf", "accountId": PROD,
         "policy": {"Version": V, "Statement": [
             {"Sid": "OrgOnly", "Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
              "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}}]}},
    ]
    (OUT / "resources" / "s3.json").write_text(json.dumps(s3, indent=2) + "\n")
    (OUT / "resources" / "other.json").write_text(json.dumps(other, indent=2) + "\n")


if __name__ == "__main__":
    main()
