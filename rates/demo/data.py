"""Realistic demo currencies and fee schedules (NGN amounts, as of late 2026)."""

from decimal import Decimal as D

CURRENCIES = [
    ("NGN", "Nigerian naira", 2),
    ("cNGN", "cNGN (naira stablecoin on Stellar)", 7),
    ("USD", "US dollar", 2),
    ("USDC", "USD Coin (Stellar)", 7),
    ("XLM", "Stellar lumen", 7),
]

# Card payments through Flutterwave: 1.4 % + ₦100 capped at ₦2,000, and a
# platform fee that falls as amounts grow.
FLUTTERWAVE_CARD = [
    {
        "min_amount": D(1_000),
        "max_amount": D(50_000),
        "provider_percent": D("1.4"),
        "provider_flat": D(100),
        "provider_cap": D(2_000),
        "platform_percent": D("0.5"),
    },
    {
        "min_amount": D(50_000),
        "max_amount": D(500_000),
        "provider_percent": D("1.4"),
        "provider_flat": D(100),
        "provider_cap": D(2_000),
        "platform_percent": D("0.3"),
    },
    {
        "min_amount": D(500_000),
        "max_amount": D(10_000_000),
        "provider_percent": D("1.4"),
        "provider_flat": D(100),
        "provider_cap": D(2_000),
        "platform_percent": D("0.2"),
    },
]

# Paystack's local card pricing: 1.5 % + ₦100, capped at ₦2,000.
PAYSTACK_CARD = [{**tier, "provider_percent": D("1.5")} for tier in FLUTTERWAVE_CARD]

# Wallet-to-wallet transfers: 0.1 %, at least ₦10 and at most ₦1,000.
TRANSFER = [
    {
        "min_amount": D("0.01"),
        "max_amount": D(100_000_000),
        "platform_percent": D("0.1"),
        "min_total": D(10),
        "max_total": D(1_000),
    },
]

# (name, type, provider, method, tiers[, currency: NGN unless given])
SCHEDULES = [
    ("On-ramp · Flutterwave card", "onramp", "flutterwave", "card", FLUTTERWAVE_CARD),
    ("On-ramp · Paystack card", "onramp", "paystack", "card", PAYSTACK_CARD),
    (
        "On-ramp · Flutterwave bank transfer",
        "onramp",
        "flutterwave",
        "bank_transfer",
        [
            {
                "min_amount": D(1_000),
                "max_amount": D(50_000_000),
                "provider_percent": D("0.8"),
                "provider_cap": D(3_000),
                "platform_percent": D("0.3"),
            },
        ],
    ),
    (
        "On-ramp · Flutterwave USSD",
        "onramp",
        "flutterwave",
        "ussd",
        [
            {
                "min_amount": D(500),
                "max_amount": D(200_000),
                "provider_flat": D(50),
                "platform_percent": D("0.5"),
            },
        ],
    ),
    (
        "Off-ramp · Flutterwave payout",
        "offramp",
        "flutterwave",
        "bank_transfer",
        [
            {
                "min_amount": D(1_000),
                "max_amount": D(5_000),
                "provider_flat": D(10),
                "platform_percent": D("0.5"),
            },
            {
                "min_amount": D(5_000),
                "max_amount": D(50_000),
                "provider_flat": D(25),
                "platform_percent": D("0.5"),
            },
            {
                "min_amount": D(50_000),
                "max_amount": D(50_000_000),
                "provider_flat": D(50),
                "platform_percent": D("0.3"),
                "max_total": D(10_000),
            },
        ],
    ),
    (
        "Off-ramp · Paystack payout",
        "offramp",
        "paystack",
        "bank_transfer",
        [
            {
                "min_amount": D(1_000),
                "max_amount": D(50_000_000),
                "provider_flat": D(50),
                "platform_percent": D("0.5"),
                "max_total": D(10_000),
            },
        ],
    ),
    ("Transfer · Aframp wallet", "transfer", "aframp", "wallet", TRANSFER),
    ("Transfer · Aframp wallet (cNGN)", "transfer", "aframp", "wallet", TRANSFER, "cNGN"),
    (
        "Redemption · Flutterwave payout",
        "redemption",
        "flutterwave",
        "bank_transfer",
        [
            {
                "min_amount": D(1_000),
                "max_amount": D(100_000_000),
                "provider_flat": D(50),
                "platform_percent": D("0.2"),
                "max_total": D(20_000),
            },
        ],
    ),
    (
        "Mint · Aframp treasury",
        "mint",
        "aframp",
        "wallet",
        [
            {"min_amount": D(1), "max_amount": None},
        ],
    ),
]
