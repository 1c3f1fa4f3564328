# MCP Payments on AWS: the worked example of docs/deployment.md ("AWS with Terraform").
# Nothing here is applied by the project's tests: `make test-ops` parses it (python-hcl2), checks
# that every variable is described and used, and runs checkov over it.
terraform {
  required_version = ">= 1.6.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
  # Configure the state backend per environment (S3 + DynamoDB lock, encrypted):
  #   terraform init -backend-config=backend.hcl
  backend "s3" {}
}

provider "aws" {
  region = var.region
  default_tags {
    tags = merge(var.tags, { Project = var.name, Environment = var.environment })
  }
}

data "aws_caller_identity" "current" {}

data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:Only the first var.az_count zones are used (slice in locals), so a new zone changes nothing.
  state = "available"
}

locals {
  prefix = "${var.name}-${var.environment}"
  azs    = slice(data.aws_availability_zones.available.names, 0, var.az_count)
}
