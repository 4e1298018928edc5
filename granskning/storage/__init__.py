"""Storage: tables, the Store, migrations, the audit log, backups and safe file writes."""
