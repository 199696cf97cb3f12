"""Running Selko: logs, metrics, the doctor, backups, pruning and gunicorn's settings."""
