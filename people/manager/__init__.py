"""The manager area: an institution's people, cohorts and roster imports (the courses app adds
assignments and reports under the same URL prefix)."""
