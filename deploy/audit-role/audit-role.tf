# The read-only role `trustgate collect` assumes in every account of the organization.
# Deploy it in each member account (for example with a Terraform workspace per account, or use
# audit-role.yaml with a CloudFormation StackSet), then run collect from the account of
# `trusted_principal_arn` with `--role-name <role_name> --external-id <external_id>`.
#
# The permissions are listed action by action: exactly the calls collect makes (checked by the
# tests of crates/collect against src/actions.rs). The same policy is the role's permissions
# boundary, so attaching anything broader later does not widen what the role can do.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "trusted_principal_arn" {
  description = "The one principal allowed to assume the role: the role or SSO permission-set role that runs trustgate collect in the management or security account (not an account root)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:(role|assumed-role|user)/.+$", var.trusted_principal_arn))
    error_message = "trusted_principal_arn must be the ARN of a specific role or user, not an account or its root."
  }
}

variable "external_id" {
  description = "The External ID collect sends (--external-id). Use a random value of at least 16 characters."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.external_id) >= 16
    error_message = "external_id must be at least 16 characters."
  }
}

variable "role_name" {
  description = "The role name collect assumes (--role-name)."
  type        = string
  default     = "TrustgateAudit"
}

variable "owner" {
  description = "Who answers for this role (tag owner)."
  type        = string
}

locals {
  tags = {
    owner   = var.owner
    purpose = "trustgate collect: read-only audit of cross-account access"
  }
}

resource "aws_iam_policy" "trustgate_audit" {
  name        = "${var.role_name}ReadOnly"
  description = "The API calls of trustgate collect, action by action; also the role's permissions boundary."
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "TrustgateCollectReadOnly"
      Effect = "Allow"
      Action = [
      "ecr:DescribeRepositories",
      "ecr:GetRepositoryPolicy",
      "iam:GenerateCredentialReport",
      "iam:GetAccountAuthorizationDetails",
      "iam:GetCredentialReport",
      "iam:ListRoles",
      "kms:GetKeyPolicy",
      "kms:ListKeys",
      "lambda:GetPolicy",
      "lambda:ListFunctions",
      "s3:GetBucketLocation",
      "s3:GetBucketPolicy",
      "s3:ListAllMyBuckets",
      "secretsmanager:GetResourcePolicy",
      "secretsmanager:ListSecrets",
      "sns:GetTopicAttributes",
      "sns:ListTopics",
      "sqs:GetQueueAttributes",
      "sqs:ListQueues",
      ]
      Resource = "*"
    }]
  })
  tags = local.tags
}

resource "aws_iam_role" "trustgate_audit" {
  name                 = var.role_name
  description          = "Read-only audit role for trustgate collect"
  max_session_duration = 3600
  permissions_boundary = aws_iam_policy.trustgate_audit.arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TrustgateCollector"
      Effect    = "Allow"
      Principal = { AWS = var.trusted_principal_arn }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "sts:ExternalId" = var.external_id }
      }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "trustgate_audit" {
  role       = aws_iam_role.trustgate_audit.name
  policy_arn = aws_iam_policy.trustgate_audit.arn
}

output "role_arn" {
  description = "The audit role's ARN."
  value       = aws_iam_role.trustgate_audit.arn
}
