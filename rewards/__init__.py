"""Equipment rewards: schedules, equipment records, approvals, ledger, currency rates."""
