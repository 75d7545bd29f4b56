"""The start page after sign-in."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from webui.home import views  # noqa: E402,F401
