# An example Terraform module with two cross-account roles: one done right, one with the
# mistakes `trustgate iac scan examples/iac/terraform` reports.

provider "aws" {
  allowed_account_ids = [var.account_id]
}

variable "account_id" {
  default = "222222222222"
}

variable "ci_account_id" {
  default = "111111111111"
}

data "aws_iam_policy_document" "ci_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.ci_account_id}:role/ci-runner"]
    }
  }
}

# Done right: a specific principal, scoped permissions, a boundary, owner and purpose tags.
resource "aws_iam_role" "ci_deploy" {
  name                 = "ci-deploy"
  assume_role_policy   = data.aws_iam_policy_document.ci_trust.json
  permissions_boundary = "arn:aws:iam::${var.account_id}:policy/cross-account-boundary"
  tags = {
    Owner   = "platform-team"
    Purpose = "CI deploys the storefront stack"
  }
}

resource "aws_iam_role_policy" "ci_deploy" {
  name = "deploy"
  role = aws_iam_role.ci_deploy.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"]
        Resource = "arn:aws:cloudformation:eu-west-1:${var.account_id}:stack/storefront/*"
      },
    ]
  })
}

# Planted mistakes: a vendor trusted without an External ID, with AdministratorAccess, no
# boundary and no tags.
resource "aws_iam_role" "vendor_support" {
  name = "vendor-support"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::999988887777:root" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "vendor_support" {
  role       = aws_iam_role.vendor_support.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
