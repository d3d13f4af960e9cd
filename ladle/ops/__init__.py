"""Operating a site from the shell: its first start, backups, upgrades, checks and the files
a deployment needs. Entry-point code: it may use every app; the `ladle` command calls it."""
