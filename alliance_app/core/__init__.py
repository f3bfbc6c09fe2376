"""The platform every domain stands on; it imports no domain."""
