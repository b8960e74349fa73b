"""Assessment bodies: applications, reviews and assignments (public schema)."""
