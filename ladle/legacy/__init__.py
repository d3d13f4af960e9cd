"""Moving in: importing a Scoop site or a WordPress export, and keeping their old links alive."""
