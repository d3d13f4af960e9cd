"""The files a deployment needs, printed by `ladle deploy systemd|nginx` (docs/deploy.md says
where each goes). Values come from the command's options and this machine's Ladle install."""

import shutil
import sys
from pathlib import Path


def _ladle_command() -> str:
    """The `ladle` program of this install (the virtual environment's, when there is one)."""
    beside = Path(sys.executable).with_name("ladle")
    return str(beside if beside.exists() else shutil.which("ladle") or "ladle")


def systemd(*, user: str, port: int, workers: int) -> str:
    """Two units: the web server (gunicorn, through `ladle serve`) and the background worker.
    Both read /etc/ladle/ladle.env, the one configuration of the site."""
    ladle = _ladle_command()
    common = f"""User={user}
Group={user}
EnvironmentFile=/etc/ladle/ladle.env
Environment=LADLE_CONFIG=/etc/ladle/ladle.env
WorkingDirectory=/var/lib/ladle
Restart=on-failure
RestartSec=5
NoNewPrivileges=true
ProtectSystem=full
PrivateTmp=true"""
    return f"""# /etc/systemd/system/ladle.service
[Unit]
Description=Ladle web server
After=network.target postgresql.service redis-server.service

[Service]
{common}
ExecStart={ladle} serve --host 127.0.0.1 --port {port} --workers {workers} --no-demo --no-worker
KillSignal=SIGINT
TimeoutStopSec=30

[Install]
WantedBy=multi-user.target

# /etc/systemd/system/ladle-worker.service
[Unit]
Description=Ladle background worker (e-mail, daily and weekly jobs)
After=network.target postgresql.service

[Service]
{common}
ExecStart={ladle} worker

[Install]
WantedBy=multi-user.target
"""


def nginx(*, host: str, port: int) -> str:
    """nginx in front: HTTPS (certificates from certbot's usual place), HTTP redirected,
    static files answered by whitenoise through the proxy (their names carry a hash)."""
    return f"""# /etc/nginx/sites-available/ladle  (then: ln -s ../sites-available/ladle
# /etc/nginx/sites-enabled/ && nginx -t && systemctl reload nginx)
# Certificates: certbot certonly --webroot -w /var/www/html -d {host}

server {{
    listen 80;
    listen [::]:80;
    server_name {host};
    location /.well-known/acme-challenge/ {{ root /var/www/html; }}
    location / {{ return 301 https://$host$request_uri; }}
}}

server {{
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    server_name {host};

    ssl_certificate /etc/letsencrypt/live/{host}/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/{host}/privkey.pem;

    client_max_body_size 2m;   # the longest story is 100,000 characters

    location / {{
        proxy_pass http://127.0.0.1:{port};
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 60s;
    }}
}}

# /etc/ladle/ladle.env must then say, for this one proxy:
#   LADLE_SITE_URL=https://{host}
#   LADLE_ALLOWED_HOSTS={host}
#   LADLE_CSRF_TRUSTED_ORIGINS=https://{host}
#   LADLE_HTTPS=1
#   LADLE_PROXY_COUNT=1
"""
