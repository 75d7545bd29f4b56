"""Every blueprint of the API, in the order the spec lists them."""

from webui.api import applications, instances, messages, processes, tasks, token_info

ALL = (
    token_info.bp,
    applications.bp,
    messages.bp,
    tasks.bp,
    processes.bp,
    instances.bp,
)
