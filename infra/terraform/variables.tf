# path_behaviors and default_behavior come from path_table.auto.tfvars.json,
# written by `python manage.py export_path_table` from aframp/paths.py. Edit
# the path table, never that file: tests/infra fails when the two disagree.
variable "path_behaviors" {
  description = "One CloudFront behaviour per path-table pattern, in the table's order (first match wins)."
  type = list(object({
    rule          = string
    path_pattern  = string
    consistency   = string
    cacheable     = bool
    cache_control = string
    max_age       = number
  }))
}

variable "default_behavior" {
  description = "The path table's rule for every path that no pattern matches."
  type = object({
    rule          = string
    path_pattern  = string
    consistency   = string
    cacheable     = bool
    cache_control = string
    max_age       = number
  })
}

variable "name_prefix" {
  description = "Prefix of the names of the policies and health checks."
  type        = string
  default     = "aframp"
}

variable "hosted_zone_name" {
  description = "The Route 53 public hosted zone that holds every name below."
  type        = string
  default     = "aframp.io"
}

variable "domain_name" {
  description = "The public API name, served by CloudFront."
  type        = string
  default     = "api.aframp.io"
}

variable "origin_domain_name" {
  description = "The latency-routed name CloudFront uses as its origin; each regional ALB's certificate covers it."
  type        = string
  default     = "origin.api.aframp.io"
}

variable "certificate_arn" {
  description = "ACM certificate (in us-east-1) for domain_name."
  type        = string
}

variable "origin_verify_secret" {
  description = "Sent by CloudFront to the origin as X-Origin-Verify; the regional ALBs refuse API requests without it."
  type        = string
  sensitive   = true
}

variable "web_acl_arn" {
  description = "The WAFv2 web ACL (CLOUDFRONT scope) in front of the API."
  type        = string
}

variable "log_bucket_domain_name" {
  description = "The S3 bucket (its bucket_domain_name) that receives CloudFront's access logs."
  type        = string
}

variable "regions" {
  description = "The regional ALBs, keyed by AWS region. endpoint is the region's own name, e.g. eu-west-1.api.aframp.io."
  type = map(object({
    endpoint     = string
    alb_dns_name = string
    alb_zone_id  = string
  }))
}
