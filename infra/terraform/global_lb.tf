# Route 53: CloudFront's origin name answers with the regional ALB nearest to
# the asking PoP (latency routing), among the regions whose health check on
# /health/edge passes. That endpoint answers 503 when the region's replica lags
# more than 5 s, is cut off, or a dependency is down, so such a region leaves
# DNS and its traffic moves to the next nearest.

data "aws_route53_zone" "api" {
  name = var.hosted_zone_name
}

# Each region's own name (e.g. eu-west-1.api.aframp.io): what the health
# checks probe, and what dist-test.sh's regional IP overrides stand for.
resource "aws_route53_record" "regional" {
  #checkov:skip=CKV2_AWS_23:The alias targets the regional ALB, created by each region's stack and passed in var.regions; checkov cannot see it.
  for_each = var.regions

  zone_id = data.aws_route53_zone.api.zone_id
  name    = each.value.endpoint
  type    = "A"

  alias {
    name                   = each.value.alb_dns_name
    zone_id                = each.value.alb_zone_id
    evaluate_target_health = false
  }
}

# One check per regional endpoint, never on the shared origin name: that name
# answers from whichever region is healthy, so a check on it could not tell
# which region failed.
#
# request_interval 10 s (Route 53's fast interval) with failure_threshold 3: a
# failing region is out of DNS about 30 s after it starts failing, while one
# slow or lost answer (a deploy, a GC pause, one checker's bad network) does
# not take it out. The endpoint answers within 1.5 s, inside Route 53's 2 s.
resource "aws_route53_health_check" "region" {
  for_each = var.regions

  fqdn              = each.value.endpoint
  type              = "HTTPS"
  port              = 443
  resource_path     = "/health/edge"
  enable_sni        = true
  request_interval  = 10
  failure_threshold = 3
  measure_latency   = true

  tags = {
    Name = "${var.name_prefix}-${each.key}-health-edge"
  }
}

resource "aws_route53_record" "origin" {
  #checkov:skip=CKV2_AWS_23:The alias targets the regional ALB, created by each region's stack and passed in var.regions; checkov cannot see it.
  for_each = var.regions

  zone_id         = data.aws_route53_zone.api.zone_id
  name            = var.origin_domain_name
  type            = "A"
  set_identifier  = each.key
  health_check_id = aws_route53_health_check.region[each.key].id

  latency_routing_policy {
    region = each.key
  }

  alias {
    name                   = each.value.alb_dns_name
    zone_id                = each.value.alb_zone_id
    evaluate_target_health = true
  }
}
