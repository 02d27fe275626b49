"""Partner instances and transnational referrals (BSR-TRM measures) in signed, encrypted messages."""
