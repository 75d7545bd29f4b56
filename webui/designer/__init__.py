"""The analyst's studio: the library, editors (BPMN, DMN, forms), save = validate, deploy,
version diff and moving running cases between versions."""

from flask import Blueprint

bp = Blueprint("designer", __name__, url_prefix="/studio")

from webui.designer import files_views, letters_views, versions_views, views  # noqa: E402,F401
