"""The domain: enums, life cycle, rules, clocks and texts; pure, no database."""
