output "distribution_domain_name" {
  description = "CloudFront's own name for the distribution."
  value       = aws_cloudfront_distribution.api.domain_name
}

output "regional_endpoints" {
  description = "Each region's own name: what dist-test.sh's *_IP overrides stand for."
  value       = { for region, record in aws_route53_record.regional : region => record.fqdn }
}

output "health_check_ids" {
  description = "The Route 53 health check of each region."
  value       = { for region, check in aws_route53_health_check.region : region => check.id }
}
