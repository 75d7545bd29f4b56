"""Every blueprint of the API, in the order the spec lists them."""

from webui.api import applications, token_info

ALL = (
    token_info.bp,
    applications.bp,
)
