"""Member organizations: directory, applications, self-service."""
