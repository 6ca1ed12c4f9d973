"""Nigerian banks a payout can go to, by CBN bank code."""

BANKS = {
    "011": "First Bank of Nigeria",
    "023": "Citibank Nigeria",
    "032": "Union Bank of Nigeria",
    "033": "United Bank for Africa",
    "035": "Wema Bank",
    "044": "Access Bank",
    "050": "Ecobank Nigeria",
    "057": "Zenith Bank",
    "058": "Guaranty Trust Bank",
    "070": "Fidelity Bank",
    "076": "Polaris Bank",
    "082": "Keystone Bank",
    "101": "Providus Bank",
    "214": "First City Monument Bank",
    "215": "Unity Bank",
    "221": "Stanbic IBTC Bank",
    "232": "Sterling Bank",
    "50211": "Kuda Microfinance Bank",
    "50515": "Moniepoint Microfinance Bank",
    "999992": "OPay",
}
