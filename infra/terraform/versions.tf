terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

# CloudFront, its policies and Route 53 are global services managed through
# us-east-1, where CloudFront's ACM certificate must live too.
provider "aws" {
  region = "us-east-1"
}
