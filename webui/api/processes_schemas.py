"""Response bodies of /processes: the deployed process definitions and their versions."""

from __future__ import annotations

from marshmallow import Schema, fields, pre_dump

from engine.services.library_view import LibraryOverview


class VersionRowSchema(Schema):
    number = fields.Integer(attribute="version", required=True)
    hash = fields.String(
        attribute="content_hash", required=True, metadata={"description": "The first 12 hex digits of the content hash"}
    )
    deployed_by = fields.String(required=True)
    deployed_at = fields.DateTime(required=True)
    running_instances = fields.Integer(
        required=True, metadata={"description": "Instances on this version: running, in error or suspended"}
    )


class ProcessSchema(Schema):
    id = fields.String(attribute="process_id", required=True)
    name = fields.String(required=True)
    right_type = fields.String(
        attribute="folder", required=True, metadata={"description": "trademark, patent, design, common or demo"}
    )
    newest_version = fields.Method("newest", required=True, metadata={"type": "integer"})
    versions = fields.List(fields.Nested(VersionRowSchema), required=True, metadata={"description": "Newest first"})

    def newest(self, entry) -> int:
        return entry.versions[0].version


class ProcessListSchema(Schema):
    processes = fields.List(fields.Nested(ProcessSchema), required=True)

    @pre_dump
    def flattened(self, overview: LibraryOverview, **kwargs) -> dict:
        return {"processes": [entry for group in overview.groups for entry in group.processes]}


class VersionFileSchema(Schema):
    path = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "bpmn, dmn or form"})
    sha256 = fields.String(required=True)


class VersionDetailSchema(Schema):
    process_id = fields.String(required=True)
    name = fields.String(required=True)
    number = fields.Integer(attribute="version", required=True)
    hash = fields.String(attribute="content_hash", required=True, metadata={"description": "SHA-256 of the version's content"})
    deployed_by = fields.String(required=True)
    deployed_at = fields.DateTime(required=True)
    running_instances = fields.Integer(required=True)
    files = fields.List(fields.Nested(VersionFileSchema), required=True)
