"""The stand-in's HTTP side: Bot API methods over aiohttp, with faults injected on demand.

PTB posts form fields (multipart when a file goes along) whose non-string values are JSON; the
answers are `{"ok": true, "result": …}` or Telegram's error shape, so PTB raises exactly the
exceptions it raises against the real API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError, ClientSession, web
from telegram import BotCommand, BotCommandScope, ChatMember, ChatPermissions

from tests.telegram_api.world import JSON, ApiError, World, checked

TOKEN = "123456:TEST-token-for-the-stand-in"
JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "commands",
    "scope",
    "allowed_updates",
    "link_preview_options",
    "entities",
    "permissions",
}
INT_FIELDS = {"message_id", "offset", "limit", "timeout", "user_id", "until_date"}


@dataclass(frozen=True, slots=True)
class Fault:
    """What goes wrong with one call: "429", "502", "slow" (past the client's timeout) or
    "drop" (the connection closes without an answer)."""

    kind: str
    seconds: float = 0.0

    @classmethod
    def too_many(cls, retry_after: int = 1) -> Fault:
        return cls("429", retry_after)

    @classmethod
    def bad_gateway(cls) -> Fault:
        return cls("502")

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        return cls("slow", seconds)

    @classmethod
    def drop(cls) -> Fault:
        return cls("drop")


Handler = Callable[[JSON, dict[str, bytes]], Awaitable[Any]]


class BotApiStandIn:
    def __init__(self, world: World | None = None, token: str = TOKEN) -> None:
        self.world = world or World()
        self.world.listeners.append(self.changed)
        self.token = token
        self.calls: list[tuple[str, JSON]] = []
        self.faults: dict[str, list[Fault]] = {}
        self.webhook: JSON | None = None
        # Calls whose client gave up waiting before the stand-in did anything.
        self.abandoned: list[str] = []
        self._in_flight = 0  # calls being answered, long polls aside
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._pusher: asyncio.Task[None] | None = None
        # Pushes to the webhook that Piiri did not accept (refused, failed or unreachable).
        self.push_failures = 0
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._methods: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "restrictChatMember": self._restrict_chat_member,
        }

    # --- running ----------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._serve)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def stop(self) -> None:
        await self._stop_pushing()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    def changed(self) -> None:
        """Wake long polls: a person did something."""
        self._changed.set()

    def fail_next(self, method: str, *faults: Fault) -> None:
        self.faults.setdefault(method, []).extend(faults)

    def sent(self, method: str) -> list[JSON]:
        return [params for name, params in self.calls if name == method]

    # --- HTTP -------------------------------------------------------------------------------

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        handler = self._methods.get(method)
        if handler is None:
            return _error(ApiError(404, "Not Found: method not found"))
        if method == "getUpdates":
            return await self._answer(method, request)
        self._in_flight += 1
        self._quiet.clear()
        try:
            return await self._answer(method, request)
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._quiet.set()

    async def quiet(self) -> None:
        """Until every call in hand is answered (a slow one included), long polls aside."""
        await self._quiet.wait()

    async def _answer(self, method: str, request: web.Request) -> web.StreamResponse:
        handler = self._methods[method]
        params, files = await _read(request)
        fault = self.faults.get(method, []).pop(0) if self.faults.get(method) else None
        if fault is not None:
            early = await self._inject(fault, method, request)
            if early is not None:
                return early
        self.calls.append((method, params))
        try:
            result = await handler(params, files)
        except ApiError as exc:
            return _error(exc)
        return web.json_response({"ok": True, "result": result})

    async def _inject(
        self, fault: Fault, method: str, request: web.Request
    ) -> web.StreamResponse | None:
        if fault.kind == "429":
            seconds = int(fault.seconds)
            return _error(
                ApiError(
                    429,
                    f"Too Many Requests: retry after {seconds}",
                    {"retry_after": seconds},
                )
            )
        if fault.kind == "502":
            return web.Response(status=502, text="<html>502 Bad Gateway</html>")
        if fault.kind == "drop":
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        await asyncio.sleep(fault.seconds)
        if request.transport is None or request.transport.is_closing():
            # The client gave up before the server did anything: nothing happened.
            self.abandoned.append(method)
            return web.Response(status=504)
        return None

    # --- methods ----------------------------------------------------------------------------

    async def _get_me(self, params: JSON, files: dict[str, bytes]) -> JSON:
        return self.world.bot

    async def _get_updates(self, params: JSON, files: dict[str, bytes]) -> list[JSON]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = int(params.get("limit") or 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout") or 0)
        while True:
            self._changed.clear()
            waiting = self.world.pending(offset, limit)
            remaining = deadline - loop.time()
            if waiting or remaining <= 0:
                return waiting
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=remaining)

    async def _delete_webhook(self, params: JSON, files: dict[str, bytes]) -> bool:
        self.webhook = None
        await self._stop_pushing()
        return True

    async def _set_webhook(self, params: JSON, files: dict[str, bytes]) -> bool:
        await self._stop_pushing()
        self.webhook = params
        self._pusher = asyncio.create_task(
            self._push(str(params["url"]), params.get("secret_token")), name="stand-in-pusher"
        )
        return True

    async def _stop_pushing(self) -> None:
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
            self._pusher = None

    async def _push(self, url: str, secret: str | None) -> None:
        """Deliver updates one at a time, as Telegram does, until Piiri answers 200 to each."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        async with ClientSession() as session:
            while True:
                self._changed.clear()
                waiting = self.world.pending(None, 1)
                if not waiting:
                    await self._changed.wait()
                    continue
                update = waiting[0]
                try:
                    async with session.post(url, json=update, headers=headers) as answer:
                        accepted = answer.status == 200
                except ClientError:
                    accepted = False
                if accepted:
                    self.world.confirmed_below = update["update_id"] + 1
                else:
                    self.push_failures += 1
                    await asyncio.sleep(0.05)

    async def _send_message(self, params: JSON, files: dict[str, bytes]) -> JSON:
        return self.world.bot_sends(
            params["chat_id"],
            params["text"],
            buttons=(params.get("reply_markup") or {}).get("inline_keyboard"),
            reply_to=(params.get("reply_parameters") or {}).get("message_id"),
        )

    async def _send_document(self, params: JSON, files: dict[str, bytes]) -> JSON:
        name = str(params.get("document_name") or "document")
        return self.world.bot_sends(
            params["chat_id"],
            params.get("caption"),
            buttons=(params.get("reply_markup") or {}).get("inline_keyboard"),
            reply_to=(params.get("reply_parameters") or {}).get("message_id"),
            document=name,
        )

    async def _edit_message_text(self, params: JSON, files: dict[str, bytes]) -> JSON:
        return self.world.bot_edits(
            params["chat_id"],
            params["message_id"],
            params["text"],
            (params.get("reply_markup") or {}).get("inline_keyboard"),
        )

    async def _delete_message(self, params: JSON, files: dict[str, bytes]) -> bool:
        return self.world.bot_deletes(params["chat_id"], params["message_id"])

    async def _answer_callback_query(self, params: JSON, files: dict[str, bytes]) -> bool:
        return self.world.answer(params["callback_query_id"])

    async def _set_my_commands(self, params: JSON, files: dict[str, bytes]) -> bool:
        commands = [checked(BotCommand, command) for command in params["commands"]]
        self.world.set_menu(_scope(params), params.get("language_code"), commands)
        self.world.commands.append(params)
        return True

    async def _delete_my_commands(self, params: JSON, files: dict[str, bytes]) -> bool:
        self.world.set_menu(_scope(params), params.get("language_code"), None)
        return True

    async def _get_chat_member(self, params: JSON, files: dict[str, bytes]) -> JSON:
        chat = self.world.chat(params["chat_id"])
        user_id = int(params["user_id"])
        if user_id == self.world.bot["id"]:
            return checked(ChatMember, _bot_member(self.world.bot, chat.bot_can_delete))
        person = next((p for p in self.world.people.values() if p.id == user_id), None)
        if person is None:
            raise ApiError(400, "Bad Request: user not found")
        if person.id not in chat.admins:
            return checked(ChatMember, {"status": "member", "user": person.api()})
        return checked(ChatMember, _admin(person.api(), can_delete=True))

    async def _restrict_chat_member(self, params: JSON, files: dict[str, bytes]) -> bool:
        permissions = checked(ChatPermissions, params["permissions"])
        self.world.restrict(
            params["chat_id"], int(params["user_id"]), permissions, params.get("until_date")
        )
        return True

    async def _get_chat_administrators(self, params: JSON, files: dict[str, bytes]) -> list[JSON]:
        chat = self.world.chat(params["chat_id"])
        admins = [
            _admin(p.api(), can_delete=True)
            for p in self.world.people.values()
            if p.id in chat.admins
        ]
        if chat.bot_can_delete:
            admins.append(_bot_member(self.world.bot, True))
        return admins


def _scope(params: JSON) -> JSON:
    """The call's scope (Telegram's default when none is given), checked against PTB's types."""
    scope = params.get("scope") or {"type": "default"}
    if scope["type"] == "chat" and isinstance(scope.get("chat_id"), str):
        scope = {**scope, "chat_id": int(scope["chat_id"])}
    return checked(BotCommandScope, scope)


def _admin(user: JSON, *, can_delete: bool) -> JSON:
    return {
        "status": "administrator",
        "user": user,
        "can_be_edited": False,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": can_delete,
        "can_manage_video_chats": False,
        "can_restrict_members": True,
        "can_promote_members": False,
        "can_change_info": False,
        "can_invite_users": True,
        "can_post_stories": False,
        "can_edit_stories": False,
        "can_delete_stories": False,
    }


def _bot_member(bot: JSON, is_admin: bool) -> JSON:
    if is_admin:
        return _admin(bot, can_delete=True)
    return {"status": "member", "user": bot}


def _error(error: ApiError) -> web.Response:
    body: JSON = {"ok": False, "error_code": error.code, "description": error.description}
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.code)


async def _read(request: web.Request) -> tuple[JSON, dict[str, bytes]]:
    """The call's parameters, decoded as the Bot API would, and any uploaded files."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, bytes] = {}
    if request.content_type == "application/json":
        raw.update(await request.json())
    elif request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = value.file.read()
                raw[f"{key}_name"] = value.filename
            else:
                raw[key] = value
    return {key: _decode(key, value) for key, value in raw.items()}, files


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in JSON_FIELDS:
        return json.loads(value)
    if key in INT_FIELDS or (key == "chat_id" and value.lstrip("-").isdigit()):
        return int(value)
    if value in ("true", "false"):
        return value == "true"
    return value
