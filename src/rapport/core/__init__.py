"""Helpers that know no domain: clock, crypto, i18n, pagination, outbound HTTP."""
