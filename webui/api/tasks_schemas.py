"""Request and response bodies of /tasks: the inbox's filters and rows, a task with its form's
fields, a completion."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_dump, validate, validates_schema

from engine.forms import FormDefinition
from engine.services.inbox_query import MAX_PER_PAGE, MAX_TEXT, RIGHT_TYPES, SORTS, TABS
from webui.api.text_rules import ELEMENT_ID, plain_text, without_nul


class TaskListArgsSchema(Schema):
    tab = fields.String(
        validate=validate.OneOf(TABS),
        metadata={"description": "mine: claimed by the token's user; groups: unclaimed and offered to its role; all: every open task (managers)"},
    )  # fmt: skip
    right_type = fields.String(validate=validate.OneOf(RIGHT_TYPES))
    task = fields.String(validate=ELEMENT_ID, metadata={"description": "A kind of task: its BPMN element id, e.g. examination"})
    due_from = fields.Date(metadata={"description": "Due on or after this office date"})
    due_to = fields.Date(metadata={"description": "Due on or before this office date"})
    overdue = fields.Boolean(metadata={"description": "Only tasks due before today (office time)"})
    text = fields.String(
        validate=[validate.Length(max=MAX_TEXT), plain_text],
        metadata={"description": "Case number, applicant, mark or title contains"},
    )
    sort = fields.String(validate=validate.OneOf(SORTS))
    page = fields.Integer(validate=validate.Range(1, 1_000_000))
    per_page = fields.Integer(validate=validate.Range(1, MAX_PER_PAGE))

    @validates_schema
    def dates_in_order(self, data: dict, **kwargs) -> None:
        if data.get("due_from") and data.get("due_to") and data["due_from"] > data["due_to"]:
            raise ValidationError("Give a date on or after due_from.", "due_to")


class InboxRowSchema(Schema):
    id = fields.String(attribute="task_id", required=True)
    instance_id = fields.Integer(required=True)
    application_number = fields.String(attribute="case_number", allow_none=True)
    right_type = fields.String(allow_none=True)
    name = fields.String(attribute="task_name", required=True)
    element_id = fields.String(required=True)
    subject = fields.String(allow_none=True, metadata={"description": "The mark's verbal element, else the case title"})
    applicant = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    due_at = fields.DateTime(allow_none=True)
    days_left = fields.Integer(
        allow_none=True, metadata={"description": "Calendar days from today (office time) to the due date"}
    )
    due_class = fields.String(required=True, metadata={"description": "overdue, soon, later or none"})
    priority = fields.Integer(required=True)
    assignee = fields.String(allow_none=True)
    candidate_roles = fields.List(fields.String(), required=True)


class TaskListSchema(Schema):
    tasks = fields.List(fields.Nested(InboxRowSchema), attribute="rows", required=True)
    total = fields.Integer(required=True, metadata={"description": "Matching tasks (counting stops past 500; see total_capped)"})
    total_capped = fields.Boolean(required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Open tasks per tab, without the filters"},
    )


class TaskRowSchema(Schema):
    id = fields.String(required=True)
    instance_id = fields.Integer(required=True)
    business_key = fields.String(allow_none=True, metadata={"description": "The application number, once the case has one"})
    element_id = fields.String(required=True)
    name = fields.String(required=True)
    form_key = fields.String(allow_none=True)
    candidate_roles = fields.List(fields.String(), required=True)
    assignee = fields.String(allow_none=True)
    priority = fields.Integer(required=True)
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    status = fields.String(required=True, metadata={"description": "open, completed or cancelled"})


class OptionSchema(Schema):
    label = fields.String(required=True)
    value = fields.Raw(required=True, metadata={"description": "What to send for this choice (text or number)"})


class FormFieldSchema(Schema):
    key = fields.String(required=True, metadata={"description": "Where the value goes in `data`; dots nest (applicant.name)"})
    type = fields.String(
        required=True,
        metadata={"description": "textfield, textarea, number, checkbox, checklist, radio, select, datetime, taglist"},
    )
    label = fields.String(required=True)
    description = fields.String(required=True)
    required = fields.Boolean(required=True)
    readonly = fields.Boolean(required=True, metadata={"description": "Shown, never taken from a submission"})
    options = fields.List(fields.Nested(OptionSchema), required=True)
    min = fields.Float(allow_none=True)
    max = fields.Float(allow_none=True)
    min_length = fields.Integer(allow_none=True)
    max_length = fields.Integer(allow_none=True)
    pattern = fields.String(allow_none=True)
    decimal_digits = fields.Integer(allow_none=True)
    subtype = fields.String(allow_none=True, metadata={"description": "For datetime: date, datetime or time"})
    default = fields.Raw(allow_none=True)


class FormSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    value_fields = fields.List(
        fields.Nested(FormFieldSchema),
        data_key="fields",
        required=True,
        metadata={"description": "The fields that take a value, groups flattened"},
    )

    @pre_dump
    def flattened(self, form: FormDefinition, **kwargs) -> dict:
        return {"key": form.key, "title": form.title, "value_fields": form.value_fields()}


class CaseBriefSchema(Schema):
    application_number = fields.String(attribute="number", allow_none=True)
    right_type = fields.String(required=True)
    status = fields.String(required=True)
    title = fields.String(required=True)
    filing_date = fields.Date(required=True)


class TaskDetailSchema(Schema):
    task = fields.Nested(TaskRowSchema, required=True)
    process_id = fields.String(required=True)
    case = fields.Nested(CaseBriefSchema, allow_none=True, metadata={"description": "None for processes without a case"})
    form = fields.Nested(FormSchema, allow_none=True, metadata={"description": "None when the task takes no data"})
    draft = fields.Dict(allow_none=True, metadata={"description": "Values saved in the web UI without completing"})
    instructions_html = fields.String(allow_none=True)
    completed_by = fields.String(allow_none=True)
    may_complete = fields.Boolean(required=True)
    may_claim = fields.Boolean(required=True)
    may_return = fields.Boolean(required=True)


class CompleteSchema(Schema):
    data = fields.Dict(
        keys=fields.String(), required=True, validate=without_nul,
        metadata={"description": "The form's values by key (see GET /tasks/{id}); the same checks as the task page",
                  "example": {"decision": "accept"}},
    )  # fmt: skip


class CompletionSchema(Schema):
    task = fields.Nested(TaskRowSchema, required=True)
    next_tasks = fields.List(
        fields.Nested(TaskRowSchema),
        required=True,
        metadata={"description": "What the token's user can do next in the same case"},
    )
