"""A local, thread-safe emulator of the Slack Web API for tests and the sandbox."""

from __future__ import annotations

import copy
import datetime as dt
import email.policy
import json
import mimetypes
import secrets
import threading
import time
import traceback
import uuid
import zoneinfo
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

JSON_FORM_FIELDS = ("blocks", "attachments", "view", "files", "metadata")
_FILETYPES = {"txt": "text", "md": "markdown", "jpeg": "jpg", "py": "python", "htm": "html", "yml": "yaml"}
_LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Sign in | Slack</title></head><body>Sign in to Slack</body></html>"


@dataclass
class RecordedCall:
    """One request the emulator answered."""

    method: str
    args: dict[str, Any]
    token: str | None
    status: int
    at: float
    response: Any = None
    path: str = ""

    @property
    def ok(self) -> bool:
        """True for HTTP 200 answers that were not Slack errors."""
        if self.status != 200:
            return False
        return not isinstance(self.response, dict) or self.response.get("ok") is True

    @property
    def error(self) -> str | None:
        """The Slack error code of the answer, if any."""
        return self.response.get("error") if isinstance(self.response, dict) else None


class SlackApiError(Exception):
    """Raised by an API handler to answer {"ok": false, "error": code}."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class BadRequest(ValueError):
    """Raised when a request body cannot be parsed."""


@dataclass
class Failure:
    """A planned failure registered with fail_next."""

    status: int
    retry_after: int
    error: str | None


@dataclass
class Request:
    """An HTTP request as read from the socket."""

    verb: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        """Case-insensitive header lookup ("" when absent)."""
        return self.headers.get(name.lower(), "")

    @property
    def bearer_token(self) -> str | None:
        """The token from an `Authorization: Bearer` header."""
        scheme, _, token = self.header("authorization").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return token.strip() or None


@dataclass
class Reply:
    """An HTTP answer."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    payload: Any = None

    @classmethod
    def json(cls, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Reply:
        """A JSON answer."""
        body = json.dumps(payload).encode("utf-8")
        return cls(status, body, "application/json; charset=utf-8", headers or {}, payload)

    @classmethod
    def text(cls, status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> Reply:
        """A text answer."""
        return cls(status, text.encode("utf-8"), content_type)


# --------------------------------------------------------------------------- body parsing


def parse_args(request: Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Parse query string and body into (args, uploaded file parts)."""
    args: dict[str, Any] = dict(parse_qsl(request.query, keep_blank_values=True))
    parts: dict[str, bytes] = {}
    content_type = request.header("content-type")
    media_type = content_type.split(";")[0].strip().lower()
    if request.body.strip():
        if media_type == "application/json":
            args.update(_parse_json_object(request.body))
        elif media_type == "multipart/form-data":
            fields, parts = parse_multipart(content_type, request.body)
            args.update(fields)
        else:
            args.update(_parse_form(request.body))
    for key in JSON_FORM_FIELDS:
        if key in args:
            args[key] = _maybe_json(args[key])
    return args, parts


def _parse_json_object(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(str(exc)) from exc
    if not isinstance(parsed, dict):
        raise BadRequest("JSON body must be an object")
    return parsed


def _parse_form(body: bytes) -> dict[str, str]:
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(str(exc)) from exc


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    """Split a multipart/form-data body into text fields and file parts."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise BadRequest("not a multipart body")
    fields: dict[str, str] = {}
    parts: dict[str, bytes] = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = str(part.get_param("name", header="content-disposition") or "")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            parts[name] = payload
        else:
            try:
                fields[name] = payload.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise BadRequest(str(exc)) from exc
    return fields, parts


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def truthy(value: Any) -> bool:
    """Interpret a Slack boolean argument ("true", "1", True...)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def _split_ids(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return [v.strip() for v in str(value or "").split(",") if v.strip()]


# --------------------------------------------------------------------------- state


class Sequence:
    """Unique increasing message timestamps and object ids."""

    def __init__(self) -> None:
        self._last_micros = 0
        self._counter = 0

    def ts(self) -> str:
        """A Slack-style message ts such as "1700000000.000100"."""
        micros = max(int(time.time() * 1_000_000), self._last_micros + 1)
        self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        """A Slack-style id such as "F0EMU0001A"."""
        self._counter += 1
        return f"{prefix}0EMU{self._counter:05X}"


@dataclass
class Identity:
    """Who the emulated workspace and bot are."""

    bot_token: str
    team_id: str
    bot_user_id: str
    bot_id: str
    app_id: str
    team_domain: str


@dataclass
class State:
    """Everything the emulated workspace remembers."""

    tokens: set[str] = field(default_factory=set)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    home_views: dict[str, str] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    file_bytes: dict[str, bytes] = field(default_factory=dict)
    pending_uploads: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploaded: list[dict[str, Any]] = field(default_factory=list)
    download_delay: float = 0.0
    response_urls: set[str] = field(default_factory=set)
    oauth_codes: set[str] = field(default_factory=set)
    failures: dict[str, deque[Failure]] = field(default_factory=dict)
    calls: list[RecordedCall] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Workspace:
    """Builds Slack objects (users, channels, files, messages) on top of State."""

    def __init__(self, identity: Identity, state: State, seq: Sequence, base_url: Callable[[], str]) -> None:
        self.identity = identity
        self.state = state
        self.seq = seq
        self.base_url = base_url

    # users
    def add_user(self, user_id: str, name: str, real_name: str | None, tz: str, locale: str,
                 is_admin: bool = False, is_owner: bool = False) -> dict[str, Any]:
        """Create or replace a human user (a workspace admin or owner when said)."""
        user = self._user(user_id, name, real_name or name, tz, locale, is_bot=False)
        user["is_admin"], user["is_owner"] = is_admin or is_owner, is_owner
        self.state.users[user_id] = user
        return copy.deepcopy(user)

    def bot_user(self) -> dict[str, Any]:
        """The bot's own user object."""
        user = self._user(self.identity.bot_user_id, "plcbot", "PLC Bot", "America/Los_Angeles", "en-US", is_bot=True)
        user["profile"]["bot_id"] = self.identity.bot_id
        return user

    def find_user(self, user_id: str) -> dict[str, Any] | None:
        """A user by id, including the bot user."""
        if user_id == self.identity.bot_user_id:
            return self.bot_user()
        return self.state.users.get(user_id)

    def _user(self, user_id: str, name: str, real_name: str, tz: str, locale: str, is_bot: bool) -> dict[str, Any]:
        label, offset = _tz_details(tz)
        return {
            "id": user_id,
            "team_id": self.identity.team_id,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            "tz": tz,
            "tz_label": label,
            "tz_offset": offset,
            "locale": locale,
            "profile": {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": name,
                "display_name_normalized": name,
                "team": self.identity.team_id,
            },
            "is_admin": False,
            "is_owner": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
        }

    # channels
    def add_channel(
        self, channel_id: str, name: str, is_private: bool, is_member: bool, members: list[str] | None = None
    ) -> dict[str, Any]:
        """Create or replace a channel."""
        channel = {
            "id": channel_id,
            "name": name,
            "is_private": is_private,
            "is_member": is_member,
            "is_im": channel_id.startswith("D"),
            "user": None,
            "members": list(members) if members is not None else None,
            "created": int(time.time()),
        }
        self.state.channels[channel_id] = channel
        return self.channel_object(channel)

    def dm_for(self, user_id: str) -> dict[str, Any]:
        """The (stable) direct message channel with a user."""
        dm_id = "D" + user_id[1:]
        channel = self.state.channels.get(dm_id)
        if channel is None:
            self.add_channel(dm_id, dm_id.lower(), is_private=True, is_member=True)
            channel = self.state.channels[dm_id]
            channel["user"] = user_id
        return channel

    def resolve_channel(self, value: Any, create: bool = True) -> dict[str, Any]:
        """Find a channel by id, `#name` or user id (DM); unknown ids are created."""
        key = str(value or "").strip()
        if not key:
            raise SlackApiError("channel_not_found")
        if key.startswith("#"):
            for channel in self.state.channels.values():
                if channel["name"] == key[1:]:
                    return channel
            raise SlackApiError("channel_not_found")
        if key[0] in "UW":
            return self.dm_for(key)
        channel = self.state.channels.get(key)
        if channel is None:
            if not create:
                raise SlackApiError("channel_not_found")
            self.add_channel(key, key.lower(), is_private=key.startswith(("G", "D")), is_member=True)
            channel = self.state.channels[key]
        return channel

    def channel_object(self, channel: dict[str, Any]) -> dict[str, Any]:
        """The public shape of a channel."""
        is_im = bool(channel["is_im"])
        result: dict[str, Any] = {
            "id": channel["id"],
            "name": channel["name"],
            "name_normalized": channel["name"],
            "is_channel": not channel["is_private"] and not is_im,
            "is_group": channel["is_private"] and not is_im,
            "is_im": is_im,
            "is_mpim": False,
            "is_private": channel["is_private"],
            "is_member": channel["is_member"],
            "is_archived": False,
            "is_general": channel["name"] == "general",
            "created": channel["created"],
            "creator": "",
            "num_members": len(self.channel_members(channel)),
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }
        if is_im:
            result["user"] = channel["user"]
        return result

    def channel_members(self, channel: dict[str, Any]) -> list[str]:
        """Member user ids (all added users unless the channel lists its own)."""
        if channel["members"] is not None:
            return list(channel["members"])
        if channel["is_im"] and channel["user"]:
            return [channel["user"]]
        return list(self.state.users)

    # messages
    def find_message(self, channel_id: str, ts: str) -> dict[str, Any]:
        """A stored message or message_not_found."""
        for message in self.state.messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        raise SlackApiError("message_not_found")

    def bot_message(self, text: str, ts: str) -> dict[str, Any]:
        """A message as authored by the bot."""
        return {
            "type": "message",
            "user": self.identity.bot_user_id,
            "bot_id": self.identity.bot_id,
            "app_id": self.identity.app_id,
            "team": self.identity.team_id,
            "text": text,
            "ts": ts,
        }

    # files
    def file_object(
        self, file_id: str, name: str, title: str, filetype: str | None, size: int, user: str
    ) -> dict[str, Any]:
        """A Slack file object whose URLs point at this server."""
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        kind = filetype or _FILETYPES.get(ext, ext or "binary")
        base = self.base_url()
        now = int(time.time())
        return {
            "id": file_id,
            "created": now,
            "timestamp": now,
            "name": name,
            "title": title,
            "mimetype": mimetypes.guess_type(name)[0] or "application/octet-stream",
            "filetype": kind,
            "pretty_type": kind.upper(),
            "user": user,
            "user_team": self.identity.team_id,
            "editable": False,
            "size": size,
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": False,
            "public_url_shared": False,
            "url_private": f"{base}files/{file_id}/{quote(name)}",
            "url_private_download": f"{base}files/{file_id}/download/{quote(name)}",
            "permalink": f"{base}permalink/{file_id}",
        }

    def store_file(self, file_obj: dict[str, Any], content: bytes) -> None:
        """Remember a file and its bytes."""
        self.state.files[file_obj["id"]] = file_obj
        self.state.file_bytes[file_obj["id"]] = content


def _tz_details(tz: str) -> tuple[str, int]:
    try:
        now = dt.datetime.now(zoneinfo.ZoneInfo(tz))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return tz, 0
    offset = now.utcoffset() or dt.timedelta(0)
    return now.tzname() or tz, int(offset.total_seconds())


# --------------------------------------------------------------------------- Web API methods

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class WebApi:
    """Implements the Web API methods against a Workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace
        self.handlers: dict[str, Handler] = {
            "auth.test": self.auth_test,
            "team.info": self.team_info,
            "chat.postMessage": self.chat_post_message,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.update": self.chat_update,
            "chat.delete": self.chat_delete,
            "chat.getPermalink": self.chat_get_permalink,
            "conversations.join": self.conversations_join,
            "conversations.info": self.conversations_info,
            "conversations.members": self.conversations_members,
            "conversations.open": self.conversations_open,
            "conversations.list": self.conversations_list,
            "conversations.history": self.conversations_history,
            "conversations.replies": self.conversations_replies,
            "reactions.add": self.reactions_add,
            "users.info": self.users_info,
            "users.list": self.users_list,
            "views.open": self.views_open,
            "views.push": self.views_push,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
            "files.getUploadURLExternal": self.files_get_upload_url,
            "files.completeUploadExternal": self.files_complete_upload,
            "files.info": self.files_info,
        }

    @property
    def identity(self) -> Identity:
        """The emulated workspace identity."""
        return self.ws.identity

    # auth / team
    def auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        """auth.test"""
        ident = self.identity
        return {
            "ok": True,
            "url": f"https://{ident.team_domain}.slack.com/",
            "team": ident.team_domain,
            "user": "plcbot",
            "team_id": ident.team_id,
            "user_id": ident.bot_user_id,
            "bot_id": ident.bot_id,
            "is_enterprise_install": False,
        }

    def team_info(self, args: dict[str, Any]) -> dict[str, Any]:
        """team.info"""
        ident = self.identity
        return {
            "ok": True,
            "team": {"id": ident.team_id, "name": ident.team_domain, "domain": ident.team_domain},
        }

    # chat
    def chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        """chat.postMessage"""
        channel = self._writable_channel(args.get("channel"))
        message = self._compose(args, self.ws.seq.ts())
        self.ws.state.messages.setdefault(channel["id"], []).append(message)
        return {"ok": True, "channel": channel["id"], "ts": message["ts"], "message": copy.deepcopy(message)}

    def chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        """chat.postEphemeral"""
        channel = self._writable_channel(args.get("channel"))
        user = str(args.get("user") or "")
        if not user:
            raise SlackApiError("user_not_in_channel")
        message = self._compose(args, self.ws.seq.ts())
        message["ephemeral_to"] = user
        self.ws.state.messages.setdefault(channel["id"], []).append(message)
        return {"ok": True, "message_ts": message["ts"]}

    def chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        """chat.update"""
        channel = self.ws.resolve_channel(args.get("channel"), create=False)
        message = self.ws.find_message(channel["id"], str(args.get("ts") or ""))
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                message[key] = self._checked_blocks(args[key]) if key == "blocks" else args[key]
        message["edited"] = {"user": self.identity.bot_user_id, "ts": self.ws.seq.ts()}
        text = message.get("text", "")
        return {
            "ok": True,
            "channel": channel["id"],
            "ts": message["ts"],
            "text": text,
            "message": dict(message),
        }

    def chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        """chat.delete"""
        channel = self.ws.resolve_channel(args.get("channel"), create=False)
        message = self.ws.find_message(channel["id"], str(args.get("ts") or ""))
        self.ws.state.messages[channel["id"]].remove(message)
        return {"ok": True, "channel": channel["id"], "ts": message["ts"]}

    def chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        """chat.getPermalink"""
        channel = self.ws.resolve_channel(args.get("channel"), create=False)
        ts = str(args.get("message_ts") or "")
        if not ts:
            raise SlackApiError("message_not_found")
        link = f"https://{self.identity.team_domain}.slack.com/archives/{channel['id']}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel["id"], "permalink": link}

    def _writable_channel(self, value: Any) -> dict[str, Any]:
        channel = self.ws.resolve_channel(value)
        if not channel["is_member"]:
            raise SlackApiError("not_in_channel")
        return channel

    def _compose(self, args: dict[str, Any], ts: str) -> dict[str, Any]:
        if not args.get("text") and not args.get("blocks") and not args.get("attachments"):
            raise SlackApiError("no_text")
        message = self.ws.bot_message(str(args.get("text") or ""), ts)
        message["blocks"] = self._checked_blocks(args.get("blocks") or [])
        for key in ("attachments", "thread_ts", "metadata", "reply_broadcast"):
            if args.get(key) not in (None, ""):
                message[key] = args[key]
        return message

    @staticmethod
    def _checked_blocks(blocks: Any) -> list[Any]:
        if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
            raise SlackApiError("invalid_blocks")
        return blocks

    # conversations
    def conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.join"""
        channel = self.ws.resolve_channel(args.get("channel"))
        if channel["is_private"] or channel["is_im"]:
            raise SlackApiError("method_not_supported_for_channel_type")
        channel["is_member"] = True
        return {"ok": True, "channel": self.ws.channel_object(channel)}

    def conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.info"""
        channel = self.ws.resolve_channel(args.get("channel"), create=False)
        return {"ok": True, "channel": self.ws.channel_object(channel)}

    def conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.members"""
        channel = self.ws.resolve_channel(args.get("channel"), create=False)
        members = self.ws.channel_members(channel)
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}

    def conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.open"""
        if args.get("channel"):
            channel = self.ws.resolve_channel(args["channel"], create=False)
            return {"ok": True, "channel": {"id": channel["id"]}}
        users = _split_ids(args.get("users"))
        if not users:
            raise SlackApiError("users_list_not_supplied")
        if len(users) == 1:
            channel = self.ws.dm_for(users[0])
        else:
            group_id = "G" + "".join(sorted(u[1:] for u in users))[:20]
            if group_id not in self.ws.state.channels:
                self.ws.add_channel(group_id, group_id.lower(), is_private=True, is_member=True, members=users)
            channel = self.ws.state.channels[group_id]
        result: dict[str, Any] = {"ok": True, "channel": {"id": channel["id"]}}
        if truthy(args.get("return_im")):
            result["channel"] = self.ws.channel_object(channel)
        return result

    def conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.list"""
        types = set(_split_ids(args.get("types")) or ["public_channel"])
        chosen = []
        for channel in self.ws.state.channels.values():
            kind = "im" if channel["is_im"] else "private_channel" if channel["is_private"] else "public_channel"
            if kind in types:
                chosen.append(self.ws.channel_object(channel))
        return {"ok": True, "channels": chosen, "response_metadata": {"next_cursor": ""}}

    def conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.history (newest first, no ephemeral messages or thread replies)"""
        channel = self.ws.resolve_channel(args.get("channel"), create=False)
        visible = [
            copy.deepcopy(m)
            for m in self.ws.state.messages.get(channel["id"], [])
            if "ephemeral_to" not in m and m.get("thread_ts", m["ts"]) == m["ts"]
        ]
        return {
            "ok": True,
            "messages": visible[::-1],
            "has_more": False,
            "response_metadata": {"next_cursor": ""},
        }

    def conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.replies (parent first)"""
        channel = self.ws.resolve_channel(args.get("channel"), create=False)
        ts = str(args.get("ts") or "")
        thread = [
            copy.deepcopy(m)
            for m in self.ws.state.messages.get(channel["id"], [])
            if "ephemeral_to" not in m and (m["ts"] == ts or m.get("thread_ts") == ts)
        ]
        if not thread:
            raise SlackApiError("thread_not_found")
        return {"ok": True, "messages": thread, "has_more": False, "response_metadata": {"next_cursor": ""}}

    def reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        """reactions.add"""
        channel = self.ws.resolve_channel(args.get("channel"), create=False)
        message = self.ws.find_message(channel["id"], str(args.get("timestamp") or ""))
        name = str(args.get("name") or "")
        if not name:
            raise SlackApiError("invalid_name")
        reactions = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["name"] == name:
                if self.identity.bot_user_id in reaction["users"]:
                    raise SlackApiError("already_reacted")
                reaction["users"].append(self.identity.bot_user_id)
                reaction["count"] += 1
                return {"ok": True}
        reactions.append({"name": name, "users": [self.identity.bot_user_id], "count": 1})
        return {"ok": True}

    # users
    def users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        """users.info"""
        user = self.ws.find_user(str(args.get("user") or ""))
        if user is None:
            raise SlackApiError("user_not_found")
        return {"ok": True, "user": self._public_user(user, truthy(args.get("include_locale")))}

    def users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        """users.list (includes the bot user)"""
        include_locale = truthy(args.get("include_locale"))
        members = [self._public_user(u, include_locale) for u in self.ws.state.users.values()]
        members.append(self._public_user(self.ws.bot_user(), include_locale))
        return {
            "ok": True,
            "members": members,
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": ""},
        }

    @staticmethod
    def _public_user(user: dict[str, Any], include_locale: bool) -> dict[str, Any]:
        result = copy.deepcopy(user)
        if not include_locale:
            result.pop("locale", None)
        return result

    # views
    def views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        """views.open"""
        return self._open_view(args)

    def views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        """views.push"""
        return self._open_view(args)

    def _open_view(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            raise SlackApiError("invalid_arguments")
        view_id = self.ws.seq.new_id("V")
        view = self._materialize(self._view_arg(args), view_id, root_view_id=view_id)
        self.ws.state.views[view_id] = view
        return {"ok": True, "view": copy.deepcopy(view)}

    def views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        """views.update"""
        new = self._view_arg(args)
        current = self._find_view(args)
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackApiError("hash_conflict")
        view = self._materialize(new, current["id"], root_view_id=current["root_view_id"])
        view["previous_view_id"] = current.get("previous_view_id")
        self.ws.state.views[current["id"]] = view
        return {"ok": True, "view": copy.deepcopy(view)}

    def views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        """views.publish"""
        user_id = str(args.get("user_id") or "")
        if not user_id:
            raise SlackApiError("invalid_arguments")
        new = self._view_arg(args)
        view_id = self.ws.state.home_views.get(user_id) or self.ws.seq.new_id("V")
        current = self.ws.state.views.get(view_id)
        if current is not None and args.get("hash") and args["hash"] != current["hash"]:
            raise SlackApiError("hash_conflict")
        view = self._materialize(new, view_id, root_view_id=view_id)
        self.ws.state.views[view_id] = view
        self.ws.state.home_views[user_id] = view_id
        return {"ok": True, "view": copy.deepcopy(view)}

    def _find_view(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("view_id"):
            view = self.ws.state.views.get(str(args["view_id"]))
        elif args.get("external_id"):
            matches = [v for v in self.ws.state.views.values() if v.get("external_id") == args["external_id"]]
            view = matches[-1] if matches else None
        else:
            raise SlackApiError("invalid_arguments")
        if view is None:
            raise SlackApiError("not_found")
        return view

    @staticmethod
    def _view_arg(args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
            raise SlackApiError("invalid_arguments")
        return view

    def _materialize(self, view: dict[str, Any], view_id: str, root_view_id: str) -> dict[str, Any]:
        ident = self.identity
        result = copy.deepcopy(view)
        result.update(
            id=view_id,
            team_id=ident.team_id,
            state={"values": {}},
            hash=f"{int(time.time())}.{uuid.uuid4().hex[:8]}",
            root_view_id=root_view_id,
            app_id=ident.app_id,
            app_installed_team_id=ident.team_id,
            bot_id=ident.bot_id,
        )
        for key, default in (("private_metadata", ""), ("callback_id", ""), ("external_id", "")):
            result.setdefault(key, default)
        for key, default in (
            ("clear_on_close", False),
            ("notify_on_close", False),
            ("previous_view_id", None),
        ):
            result.setdefault(key, default)
        result.setdefault("blocks", [])
        return result

    # files
    def files_get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        """files.getUploadURLExternal"""
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise SlackApiError("invalid_arguments") from None
        if not filename or length < 0:
            raise SlackApiError("invalid_arguments")
        file_id = self.ws.seq.new_id("F")
        self.ws.state.pending_uploads[file_id] = {"filename": filename, "length": length, "data": None}
        return {"ok": True, "upload_url": f"{self.ws.base_url()}upload/{file_id}", "file_id": file_id}

    def files_complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        """files.completeUploadExternal"""
        entries = args.get("files")
        if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
            raise SlackApiError("invalid_arguments")
        pending = self.ws.state.pending_uploads
        for entry in entries:
            upload = pending.get(str(entry.get("id")))
            if upload is None or upload["data"] is None:
                raise SlackApiError("file_not_found")
        channels = [self._writable_channel(c) for c in _split_ids(args.get("channel_id") or args.get("channels"))]
        file_objs = []
        for entry in entries:
            upload = pending.pop(str(entry["id"]))
            title = str(entry.get("title") or upload["filename"])
            obj = self.ws.file_object(
                entry["id"], upload["filename"], title, None, len(upload["data"]), self.identity.bot_user_id
            )
            obj["channels"] = [c["id"] for c in channels]
            self.ws.store_file(obj, upload["data"])
            file_objs.append(obj)
            self.ws.state.uploaded.append(
                {
                    **copy.deepcopy(obj),
                    "content": upload["data"],
                    "channel_id": args.get("channel_id"),
                    "initial_comment": args.get("initial_comment"),
                    "thread_ts": args.get("thread_ts"),
                }
            )
        for channel in channels:
            self._share(channel, file_objs, args)
        return {"ok": True, "files": copy.deepcopy(file_objs)}

    def _share(self, channel: dict[str, Any], file_objs: list[dict[str, Any]], args: dict[str, Any]) -> None:
        message = self.ws.bot_message(str(args.get("initial_comment") or ""), self.ws.seq.ts())
        message.update(files=copy.deepcopy(file_objs), upload=True)
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        self.ws.state.messages.setdefault(channel["id"], []).append(message)

    def files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        """files.info"""
        file_obj = self.ws.state.files.get(str(args.get("file") or ""))
        if file_obj is None:
            raise SlackApiError("file_not_found")
        return {
            "ok": True,
            "file": copy.deepcopy(file_obj),
            "comments": [],
            "response_metadata": {"next_cursor": ""},
        }


# --------------------------------------------------------------------------- routing


class Router:
    """Turns HTTP requests into replies and records every call (under the emulator's lock)."""

    def __init__(self, workspace: Workspace, api: WebApi, cond: threading.Condition) -> None:
        self.ws = workspace
        self.api = api
        self.cond = cond

    def route(self, request: Request) -> Reply:
        """Answer one request."""
        if request.path.startswith("/files/") and request.verb == "GET":
            with self.cond:
                delay = self.ws.state.download_delay
            if delay > 0:  # a slow file host (SlackEmulator.slow_downloads); other calls go on meanwhile
                time.sleep(delay)
        with self.cond:
            path = unquote(request.path)
            method = self._method_name(path, request.verb)
            failure = self._pop_failure(method) if method else None
            if failure is not None:
                return self._fail(method or "", failure, request, path)
            if path.startswith("/api/"):
                return self._api(path[len("/api/") :], request, path)
            if path.startswith("/upload/") and request.verb == "POST":
                return self._upload(path[len("/upload/") :].strip("/"), request, path)
            if path.startswith("/files/") and request.verb == "GET":
                return self._download(path, request)
            if path.rstrip("/") == "/login":
                return Reply(200, _LOGIN_PAGE, "text/html; charset=utf-8")
            if path.startswith("/response/") and request.verb == "POST":
                return self._response_url(path, request)
            return Reply.json(404, {"ok": False, "error": "not_found"})

    @staticmethod
    def _method_name(path: str, verb: str) -> str | None:
        if path.startswith("/api/"):
            return path[len("/api/") :].strip("/")
        if path.startswith("/upload/") and verb == "POST":
            return "upload"
        if path.startswith("/files/") and verb == "GET":
            return "file_download"
        if path.startswith("/response/") and verb == "POST":
            return "response_url"
        return None

    def _pop_failure(self, method: str) -> Failure | None:
        queue = self.ws.state.failures.get(method)
        if not queue:
            return None
        failure = queue.popleft()
        if not queue:
            del self.ws.state.failures[method]
        return failure

    def _fail(self, method: str, failure: Failure, request: Request, path: str) -> Reply:
        try:
            args, _ = parse_args(request) if method not in ("upload", "file_download") else ({}, {})
        except BadRequest:
            args = {}
        token = self._token_of(request, args)
        args.pop("token", None)
        reply = self._failure_reply(failure)
        self._record(method, args, token, reply, path)
        return reply

    @staticmethod
    def _failure_reply(failure: Failure) -> Reply:
        if failure.status == 429:
            error = failure.error or "ratelimited"
            return Reply.json(429, {"ok": False, "error": error}, {"Retry-After": str(failure.retry_after)})
        return Reply.json(failure.status, {"ok": False, "error": failure.error or "internal_error"})

    def _token_of(self, request: Request, args: dict[str, Any]) -> str | None:
        token = request.bearer_token
        if token is None and args.get("token"):
            token = str(args["token"])
        return token

    def _api(self, method: str, request: Request, path: str) -> Reply:
        token = request.bearer_token
        try:
            args, parts = parse_args(request)
        except BadRequest:
            reply = Reply.json(400, {"ok": False, "error": "invalid_form_data"})
            self._record(method, {}, token, reply, path)
            return reply
        args.update(parts)
        token = self._token_of(request, args)
        args.pop("token", None)
        reply = Reply.json(200, self._call(method, args, token))
        self._record(method, args, token, reply, path)
        return reply

    def _call(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "oauth.v2.access":
            return self._oauth_access(args)
        handler = self.api.handlers.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        if token is None or token not in self.ws.state.tokens:
            return {"ok": False, "error": "invalid_auth"}
        try:
            return handler(args)
        except SlackApiError as exc:
            return {"ok": False, "error": exc.code}

    def _oauth_access(self, args: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: exchange a code from `issue_oauth_code` for a new bot token."""
        code = str(args.get("code") or "")
        valid = code in self.ws.state.oauth_codes
        self.ws.state.oauth_codes.discard(code)
        if not valid:
            return {"ok": False, "error": "invalid_code"}
        ident = self.ws.identity
        bot_token = f"xoxb-installed-{secrets.token_hex(6)}"
        self.ws.state.tokens.add(bot_token)
        return {
            "ok": True,
            "access_token": bot_token,
            "token_type": "bot",
            "scope": str(args.get("scope") or "commands,chat:write"),
            "bot_user_id": ident.bot_user_id,
            "app_id": ident.app_id,
            "team": {"id": ident.team_id, "name": ident.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "U0INSTALL1"},
        }

    def _upload(self, file_id: str, request: Request, path: str) -> Reply:
        data = request.body
        if request.header("content-type").lower().startswith("multipart/form-data"):
            try:
                fields, parts = parse_multipart(request.header("content-type"), request.body)
            except BadRequest:
                parts = {}
            if parts:
                data = next(iter(parts.values()))
        args: dict[str, Any] = {"file_id": file_id, "size": len(data), "data": data, "raw": request.body}
        upload = self.ws.state.pending_uploads.get(file_id)
        if upload is None:
            reply = Reply.text(404, "file_not_found")
        else:
            upload["data"] = data
            reply = Reply.text(200, f"OK - {len(data)}")
        self._record("upload", args, request.bearer_token, reply, path)
        return reply

    def _download(self, path: str, request: Request) -> Reply:
        pieces = path.strip("/").split("/")
        file_id = pieces[1] if len(pieces) > 1 else ""
        token = request.bearer_token
        args = {"file_id": file_id, "path": path}
        if token is None or token not in self.ws.state.tokens:
            reply = Reply(302, b"", "text/html", {"Location": f"{self.ws.base_url()}login?redir={quote(path)}"})
        elif file_id not in self.ws.state.file_bytes:
            reply = Reply.text(404, "file_not_found")
        else:
            mimetype = self.ws.state.files[file_id]["mimetype"]
            reply = Reply(200, self.ws.state.file_bytes[file_id], mimetype)
        self._record("file_download", args, token, reply, path)
        return reply

    def _response_url(self, path: str, request: Request) -> Reply:
        key = path[len("/response/") :].strip("/")
        try:
            args, _ = parse_args(request)
        except BadRequest:
            reply = Reply.json(400, {"ok": False, "error": "invalid_form_data"})
        else:
            known = key in self.ws.state.response_urls
            reply = Reply.text(200, "ok") if known else Reply.text(404, "no_active_hooks")
        self._record("response_url", args if reply.status != 400 else {}, request.bearer_token, reply, path)
        return reply

    def _record(self, method: str, args: dict[str, Any], token: str | None, reply: Reply, path: str) -> None:
        call = RecordedCall(method, args, token, reply.status, time.time(), reply.payload, path)
        self.ws.state.calls.append(call)
        self.cond.notify_all()

    def record_crash(self, request: Request) -> Reply:
        """Answer 500 for an unexpected exception and remember the traceback."""
        with self.cond:
            self.ws.state.errors.append(traceback.format_exc())
            reply = Reply.json(500, {"ok": False, "error": "internal_error"})
            method = self._method_name(unquote(request.path), request.verb) or request.path
            self._record(method, {}, request.bearer_token, reply, request.path)
            return reply


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    router: Router


class _HttpHandler(BaseHTTPRequestHandler):
    """Reads raw HTTP, delegates to the Router, writes the Reply."""

    server: _HttpServer
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:  # noqa: N802
        """Handle GET."""
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        """Handle POST."""
        self._handle("POST")

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def _handle(self, verb: str) -> None:
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self._send(Reply.json(400, {"ok": False, "error": "invalid_form_data"}))
            return
        request = Request(verb, parts.path, parts.query, headers, body)
        try:
            reply = self.server.router.route(request)
        except Exception:
            reply = self.server.router.record_crash(request)
        self._send(reply)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    def _send(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass


# --------------------------------------------------------------------------- public facade


class SlackEmulator:
    """A loopback Slack Web API that records every call."""

    def __init__(
        self,
        bot_token: str = "xoxb-emulator-token",
        team_id: str = "T0PLC0001",
        bot_user_id: str = "U0BOT0001",
        bot_id: str = "B0BOT0001",
        *,
        app_id: str = "A0PLC0001",
        team_domain: str = "plc-school",
    ) -> None:
        self.bot_token = bot_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self._cond = threading.Condition(threading.RLock())
        self._state = State(tokens={bot_token})
        self._seq = Sequence()
        identity = Identity(bot_token, team_id, bot_user_id, bot_id, app_id, team_domain)
        self._ws = Workspace(identity, self._state, self._seq, lambda: self.base_url)
        self._router = Router(self._ws, WebApi(self._ws), self._cond)
        self._server: _HttpServer | None = None
        self._base_url: str | None = None
        self._thread: threading.Thread | None = None

    def issue_oauth_code(self) -> str:
        """A one-time code, as Slack appends to the OAuth redirect URL after a user approves."""
        code = f"code-{secrets.token_hex(8)}"
        with self._cond:
            self._state.oauth_codes.add(code)
        return code

    # lifecycle
    def start(self) -> SlackEmulator:
        """Start serving in a daemon thread (idempotent); returns self."""
        with self._cond:
            if self._thread is not None:
                return self
            server = self._bind()
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="slack-emulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        with self._cond:
            server, thread = self._server, self._thread
            self._server, self._thread = None, None
        if server is None:
            return
        if thread is not None:
            server.shutdown()
            thread.join(timeout=5)
        server.server_close()

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _bind(self) -> _HttpServer:
        if self._server is None:
            server = _HttpServer(("127.0.0.1", 0), _HttpHandler)
            server.router = self._router
            self._server = server
            self._base_url = f"http://127.0.0.1:{server.server_address[1]}/"
        return self._server

    @property
    def base_url(self) -> str:
        """Root URL, e.g. "http://127.0.0.1:PORT/" (binds the port on first use; kept after stop)."""
        with self._cond:
            if self._base_url is None:
                self._bind()
            return str(self._base_url)

    @property
    def api_url(self) -> str:
        """Web API base URL for WebClient(base_url=...)."""
        return f"{self.base_url}api/"

    # recorded calls
    @property
    def calls(self) -> list[RecordedCall]:
        """A copy of all recorded calls."""
        with self._cond:
            return list(self._state.calls)

    @property
    def errors(self) -> list[str]:
        """Tracebacks of unexpected emulator crashes (should stay empty)."""
        with self._cond:
            return list(self._state.errors)

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Recorded calls of one method, oldest first."""
        with self._cond:
            return [c for c in self._state.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:
        """Block until `count` successful calls of `method` were recorded; returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                done = [c for c in self._state.calls if c.method == method and c.ok]
                remaining = deadline - time.monotonic()
                if len(done) >= count or remaining <= 0:
                    break
                self._cond.wait(remaining)
            if len(done) >= count:
                return done
            seen = ", ".join(f"{c.method}[{c.status}{' ' + c.error if c.error else ''}]" for c in self._state.calls)
            raise AssertionError(
                f"expected {count} successful {method} call(s) within {timeout}s, got {len(done)}; "
                f"calls: {seen or 'none'}"
            )

    def clear(self) -> None:
        """Forget recorded calls (workspace state is kept)."""
        with self._cond:
            self._state.calls.clear()

    def slow_downloads(self, seconds: float) -> None:
        """Make the file host take `seconds` before it answers each download (0: answer at once)."""
        with self._cond:
            self._state.download_delay = max(0.0, seconds)

    def fail_next(
        self, method: str, status: int = 429, retry_after: int = 1, times: int = 1, error: str | None = None
    ) -> None:
        """Make the next `times` calls to `method` fail with HTTP `status` (or a Slack `error` at 200)."""
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._cond:
            queue = self._state.failures.setdefault(method, deque())
            queue.extend(Failure(status, retry_after, error) for _ in range(times))

    # workspace setup
    def add_token(self, token: str) -> None:
        """Accept another token as valid."""
        with self._cond:
            self._state.tokens.add(token)

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str | None = None,
        tz: str = "America/New_York",
        locale: str = "en-US",
        *,
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> dict[str, Any]:
        """Add a human user; returns the full user object (with locale; Slack's is_admin / is_owner)."""
        with self._cond:
            return self._ws.add_user(user_id, name, real_name, tz, locale, is_admin, is_owner)

    def add_channel(
        self,
        channel_id: str,
        name: str,
        is_private: bool = False,
        bot_is_member: bool = True,
        members: list[str] | None = None,
    ) -> dict[str, Any]:
        """Add a channel; `members` defaults to every added user."""
        with self._cond:
            return self._ws.add_channel(channel_id, name, is_private, bot_is_member, members)

    def add_file(
        self, name: str, content: bytes, filetype: str | None = None, user_id: str | None = None
    ) -> dict[str, Any]:
        """Add a downloadable file (e.g. one a user put into a file_input); returns its file object."""
        with self._cond:
            file_id = self._seq.new_id("F")
            owner = user_id or self.bot_user_id
            file_obj = self._ws.file_object(file_id, name, name, filetype, len(content), owner)
            self._ws.store_file(file_obj, bytes(content))
            return copy.deepcopy(file_obj)

    def new_response_url(self) -> str:
        """A fresh response_url served by this emulator."""
        key = uuid.uuid4().hex
        with self._cond:
            self._state.response_urls.add(key)
        return f"{self.base_url}response/{key}"

    # inspection
    def get_user(self, user_id: str) -> dict[str, Any] | None:
        """A user object (with locale), or None."""
        with self._cond:
            user = self._ws.find_user(user_id)
            return copy.deepcopy(user) if user else None

    def get_channel(self, channel_id: str) -> dict[str, Any] | None:
        """A channel object, or None."""
        with self._cond:
            channel = self._state.channels.get(channel_id)
            return self._ws.channel_object(channel) if channel else None

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages currently in a channel (a user id means the DM with that user)."""
        with self._cond:
            channel_id = "D" + channel[1:] if channel[:1] in ("U", "W") else channel
            return copy.deepcopy(self._state.messages.get(channel_id, []))

    def views(self) -> dict[str, dict[str, Any]]:
        """Latest modal views by id, plus home tabs keyed "home:USERID"."""
        with self._cond:
            homes = {view_id: user for user, view_id in self._state.home_views.items()}
            return {
                (f"home:{homes[view_id]}" if view_id in homes else view_id): copy.deepcopy(view)
                for view_id, view in self._state.views.items()
            }

    def uploaded_files(self) -> list[dict[str, Any]]:
        """Files completed via files.completeUploadExternal, each with its `content` bytes."""
        with self._cond:
            return copy.deepcopy(self._state.uploaded)
