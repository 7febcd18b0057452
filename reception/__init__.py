"""Custody, prisoner-of-war registration, capture cards, relatives' enquiries, outcomes."""
