"""The Flask app factory: the web UI's composition root (`create_app(settings)`)."""

from __future__ import annotations

from flask import Flask, render_template

from engine.container import Ipflow
from engine.settings import Settings, ensure_secret_key, load_settings


def create_app(settings: Settings | None = None, ipflow: Ipflow | None = None) -> Flask:
    settings = ensure_secret_key(settings or load_settings())
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
    )
    app.extensions["ipflow"] = ipflow or Ipflow.create(settings)

    @app.get("/")
    def home():
        return render_template("home.html", office=settings.office_name)

    @app.get("/healthz")
    def health():
        return {"status": "ok"}

    return app
