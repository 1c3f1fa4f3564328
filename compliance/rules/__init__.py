"""Merchant risk rules: the expression language, the attributes it reads, evaluation."""
