"""Family search: matching missing-person reports with the people in care (pure rules)."""
