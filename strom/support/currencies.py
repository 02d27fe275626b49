"""ISO 4217 currency codes in use (no fund, metal or testing codes)."""

from __future__ import annotations

DEFAULT_CURRENCY = "EUR"

_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
    GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
    KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
    NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED
    VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """
CURRENCIES: frozenset[str] = frozenset(_CODES.split())


def is_currency(code: str) -> bool:
    return code in CURRENCIES


def currency_choices() -> list[tuple[str, str]]:
    # The region's currencies first; the rest alphabetically.
    first = ["EUR", "SEK", "NOK", "DKK", "PLN", "ISK", "CHF", "GBP", "USD", "UAH"]
    return [(c, c) for c in first] + [(c, c) for c in sorted(CURRENCIES - set(first))]
