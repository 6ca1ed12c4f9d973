# The CloudFront distribution in front of the three regions. Its ordered cache
# behaviours are generated from the path table (aframp/paths.py), through
# path_table.auto.tfvars.json: one behaviour per pattern, in the table's order.
# The local edge of `make cluster` is configured from the same file.

locals {
  origin_id = "regions"

  # Cacheable rows: rule name => the max-age of each of its patterns.
  cacheable_max_ages = { for b in var.path_behaviors : b.rule => b.max_age... if b.cacheable }

  # Every error the origin can send. The origin marks errors no-store; this
  # also stops CloudFront's own 10 s default error caching, so an edge never
  # keeps a 5xx on a cacheable row.
  error_codes = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504]
}

# One cache policy per cacheable row. The origin's Cache-Control decides how
# long (max-age, stale-while-revalidate); max_ttl caps it at the table's
# max-age and default_ttl 0 keeps nothing the origin did not mark. The key
# includes X-Consistency, so `X-Consistency: strong` never gets a cached answer
# (the origin answers it no-store, so it is never stored either).
resource "aws_cloudfront_cache_policy" "cacheable" {
  for_each = local.cacheable_max_ages

  name        = "${var.name_prefix}-${each.key}"
  comment     = "Path-table row ${each.key}: origin Cache-Control, keyed on X-Consistency"
  min_ttl     = 0
  default_ttl = 0
  max_ttl     = max(each.value...)

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_brotli = true
    enable_accept_encoding_gzip   = true

    headers_config {
      header_behavior = "whitelist"
      headers {
        items = ["X-Consistency"]
      }
    }

    # /api/v1/rates?from=USD&to=NGN and /api/v1/fees?type=... are distinct answers.
    query_strings_config {
      query_string_behavior = "all"
    }

    cookies_config {
      cookie_behavior = "none"
    }
  }
}

# Strong rows are never cached.
data "aws_cloudfront_cache_policy" "caching_disabled" {
  name = "Managed-CachingDisabled"
}

# What strong rows need at the origin: Authorization, Idempotency-Key,
# X-Consistency, the query string and the body. CloudFront refuses a custom
# origin request policy that forwards Authorization (it must be in the cache
# key) except this managed "all viewer" one, and only with caching disabled.
# The Host header stays the origin's name, which the regional ALB and
# ALLOWED_HOSTS expect.
data "aws_cloudfront_origin_request_policy" "all_viewer_except_host" {
  name = "Managed-AllViewerExceptHostHeader"
}

data "aws_cloudfront_response_headers_policy" "security_headers" {
  name = "Managed-SecurityHeadersPolicy"
}

resource "aws_cloudfront_distribution" "api" {
  #checkov:skip=CKV_AWS_310:Failover between regions is Route 53's job (global_lb.tf): the one origin is the latency-routed name, whose health checks take a failing region out.
  #checkov:skip=CKV_AWS_305:An API has no root document; / is an ordinary strong path of the origin.
  #checkov:skip=CKV_AWS_374:Aframp serves Nigerian users wherever they are; country rules belong to KYC, not to the CDN.
  #checkov:skip=CKV2_AWS_47:The web ACL is managed outside this module (var.web_acl_arn), with AWSManagedRulesKnownBadInputsRuleSet; checkov cannot see it.
  enabled         = true
  is_ipv6_enabled = true
  comment         = "Aframp API edge"
  aliases         = [var.domain_name]
  http_version    = "http2and3"
  price_class     = "PriceClass_All" # PoPs in Lagos and Johannesburg
  web_acl_id      = var.web_acl_arn

  origin {
    origin_id   = local.origin_id
    domain_name = var.origin_domain_name

    custom_origin_config {
      http_port                = 80
      https_port               = 443
      origin_protocol_policy   = "https-only"
      origin_ssl_protocols     = ["TLSv1.2"]
      origin_keepalive_timeout = 55 # below the ALB's 60 s idle timeout
      origin_read_timeout      = 30
    }

    # The regional ALBs forward only requests that carry it (Route 53's health
    # checks cannot send headers, so /health/edge is let through without it).
    custom_header {
      name  = "X-Origin-Verify"
      value = var.origin_verify_secret
    }
  }

  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = var.default_behavior.cacheable ? aws_cloudfront_cache_policy.cacheable[var.default_behavior.rule].id : data.aws_cloudfront_cache_policy.caching_disabled.id
    origin_request_policy_id   = var.default_behavior.cacheable ? null : data.aws_cloudfront_origin_request_policy.all_viewer_except_host.id
    response_headers_policy_id = data.aws_cloudfront_response_headers_policy.security_headers.id
  }

  dynamic "ordered_cache_behavior" {
    for_each = var.path_behaviors
    iterator = behavior

    content {
      path_pattern               = behavior.value.path_pattern
      target_origin_id           = local.origin_id
      viewer_protocol_policy     = "redirect-to-https"
      allowed_methods            = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = behavior.value.cacheable ? aws_cloudfront_cache_policy.cacheable[behavior.value.rule].id : data.aws_cloudfront_cache_policy.caching_disabled.id
      origin_request_policy_id   = behavior.value.cacheable ? null : data.aws_cloudfront_origin_request_policy.all_viewer_except_host.id
      response_headers_policy_id = data.aws_cloudfront_response_headers_policy.security_headers.id
    }
  }

  dynamic "custom_error_response" {
    for_each = local.error_codes

    content {
      error_code            = custom_error_response.value
      error_caching_min_ttl = 0
    }
  }

  logging_config {
    bucket          = var.log_bucket_domain_name
    prefix          = "cloudfront/"
    include_cookies = false
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = var.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

resource "aws_route53_record" "api" {
  for_each = toset(["A", "AAAA"])

  zone_id = data.aws_route53_zone.api.zone_id
  name    = var.domain_name
  type    = each.key

  alias {
    name                   = aws_cloudfront_distribution.api.domain_name
    zone_id                = aws_cloudfront_distribution.api.hosted_zone_id
    evaluate_target_health = false
  }
}
