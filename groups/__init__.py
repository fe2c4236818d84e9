"""The domain of programmes and groups. No platform imports here."""
