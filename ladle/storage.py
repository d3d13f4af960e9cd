"""Where static files' URLs come from: whitenoise's compressed, content-hashed storage (each
file under a name that changes with its content, so it can be cached for a year), which
falls back to the plain name for a file that was never collected (a test server, a shell),
instead of failing the page."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # not collected here: `ladle serve` and `upgrade` collect them
            return name
