"""The meetings app in the admin (filled in by the bodies work)."""
