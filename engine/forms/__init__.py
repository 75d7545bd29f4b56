"""User-task forms: form-js JSON files as a strict model, and the check of submitted data.

Usage::

    forms = load_forms(pathlib.Path("forms"))  # {"demo/review": FormDefinition, ...}
    data = validate_submission(forms["demo/review"], posted)  # cleaned, or InvalidInput
"""

from engine.forms.definition import Field, FormDefinition, Option, parse_form
from engine.forms.library import form_key, load_forms
from engine.forms.schema import build_schema, validate_submission

__all__ = [
    "Field",
    "FormDefinition",
    "Option",
    "build_schema",
    "form_key",
    "load_forms",
    "parse_form",
    "validate_submission",
]
