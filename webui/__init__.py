"""The Flask app factory: the web UI's composition root (`create_app(settings)`)."""

from __future__ import annotations

from flask import Flask

from engine.container import Ipflow
from engine.settings import Settings, ensure_secret_key, load_settings


def create_app(settings: Settings | None = None, ipflow: Ipflow | None = None) -> Flask:
    settings = ensure_secret_key(settings or load_settings())
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
    )
    app.extensions["ipflow"] = ipflow or Ipflow.create(settings)

    from webui import admin, audit, auth, cases, designer, home, inbox, manager, monitor, tasks
    from webui.api import init_api
    from webui.errors import init_errors
    from webui.security import STAFF, init_security

    init_security(app)
    init_errors(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(tasks.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(designer.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(manager.bp)
    app.register_blueprint(monitor.bp)
    init_api(app)

    @app.context_processor
    def office():
        return {"office_name": settings.office_name, "staff_roles": STAFF}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
        return response

    return app
