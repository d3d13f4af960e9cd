"""The site's own settings, which an administrator changes in the site (docs/rules.md,
*Site settings*): stored in the database, read fresh on every request, every change logged."""
