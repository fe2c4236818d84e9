"""What the stand-in's Telegram knows: people, chats, messages and the update queue.

Tests act as people through it (write, reply, edit, press a button), and read what the bot
sent. Every object handed to the bot is checked against python-telegram-bot's own types
(`de_json` then `to_dict` must give the same JSON back), so the stand-in cannot drift into
a dialect of its own.
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Message, TelegramObject, Update

JSON = dict[str, Any]
BOT_ID = 7_000_001
BOT_USERNAME = "PiiriTestBot"
EPOCH = 1_790_000_000  # message dates: any fixed time will do


class CannotPost(Exception):
    """Telegram's app would not let this person write here (they are restricted)."""


class ApiError(Exception):
    """A Bot API refusal: its HTTP code and Telegram's description."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def checked(kind: type[TelegramObject], data: JSON) -> JSON:
    """`data`, after proving PTB reads it as `kind` with no field it does not know, and writes
    it back unchanged (apart from the false flags PTB always writes)."""
    parsed = kind.de_json(copy.deepcopy(data), None)
    unknown = _unknown_fields(parsed)
    again = _drop_false_defaults(json.loads(parsed.to_json()), data)
    if unknown or again != data:
        raise AssertionError(f"the stand-in's {kind.__name__} is not Bot API JSON: {unknown}")
    return data


def _unknown_fields(obj: object) -> list[str]:
    if isinstance(obj, tuple | list):
        return [name for item in obj for name in _unknown_fields(item)]
    if not isinstance(obj, TelegramObject):
        return []
    found = [f"{type(obj).__name__}.{key}" for key in obj.api_kwargs]
    for value in obj._get_attrs().values():
        found += _unknown_fields(value)
    return found


def _drop_false_defaults(written: Any, given: Any) -> Any:
    if isinstance(written, dict) and isinstance(given, dict):
        return {
            key: _drop_false_defaults(value, given.get(key))
            for key, value in written.items()
            if key in given or value is not False
        }
    if isinstance(written, list) and isinstance(given, list):
        return [_drop_false_defaults(w, g) for w, g in zip(written, given, strict=False)]
    return written


def _key(scope: JSON) -> str:
    return json.dumps(scope, sort_keys=True)


@dataclass(slots=True)
class Person:
    id: int
    first_name: str
    language_code: str = "fi"
    blocked_bot: bool = False

    def api(self) -> JSON:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }


@dataclass(slots=True)
class Chat:
    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    # Whether the bot is an admin allowed to delete others' messages here.
    bot_can_delete: bool = True
    # …and to restrict members (Telegram's "ban users" right).
    bot_can_restrict: bool = True
    admins: set[int] = field(default_factory=set)
    # People restricted here: their permissions, and until when (a Unix time; 0 for ever).
    restricted: dict[int, tuple[JSON, int]] = field(default_factory=dict)

    def api(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        if self.title is not None:
            data["title"] = self.title
        if self.first_name is not None:
            data["first_name"] = self.first_name
        return data

    @property
    def is_private(self) -> bool:
        return self.type == "private"


@dataclass(slots=True)
class Posted:
    """A message in a chat, from the bot or a person, as everyone in the chat sees it."""

    chat: Chat
    message_id: int
    sender_id: int
    text: str | None
    buttons: list[list[JSON]] = field(default_factory=list)
    reply_to: int | None = None
    document: str | None = None
    media: str | None = None
    deleted: bool = False
    edits: list[str] = field(default_factory=list)
    # When the stand-in took it (time.monotonic()).
    at: float = field(default_factory=time.monotonic)

    @property
    def by_bot(self) -> bool:
        return self.sender_id == BOT_ID

    def button_data(self) -> list[str]:
        return [b["callback_data"] for row in self.buttons for b in row]

    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]


class World:
    def __init__(self) -> None:
        self.bot = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Piiri",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": True,
            "supports_inline_queries": False,
        }
        self.people: dict[str, Person] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[int, list[Posted]] = {}
        self.updates: list[JSON] = []
        # Telegram forgets updates below the highest offset the bot has asked with.
        self.confirmed_below = 0
        self.answered: list[str] = []
        self.commands: list[JSON] = []
        # The "/" menus set now: by scope (its JSON, as a key) and language (None: any).
        self.menus: dict[tuple[str, str | None], list[JSON]] = {}
        self._update_ids = itertools.count(500_001)
        self._person_ids = itertools.count(100_001)
        self._group_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._query_ids = itertools.count(1)
        self._open_queries: set[str] = set()
        # Called when an update arrives, so a waiting long poll answers at once.
        self.listeners: list[Callable[[], None]] = []

    # --- people and chats ------------------------------------------------------------------

    def person(self, name: str, language: str = "fi") -> Person:
        if name not in self.people:
            person = Person(next(self._person_ids), name, language)
            self.people[name] = person
            self.chats[person.id] = Chat(person.id, "private", first_name=name)
        return self.people[name]

    def group(
        self, title: str, *, bot_can_delete: bool = True, bot_can_restrict: bool = True
    ) -> Chat:
        chat_id = -1_001_000_000_000 - next(self._group_ids)
        chat = Chat(
            chat_id,
            "supergroup",
            title=title,
            bot_can_delete=bot_can_delete,
            bot_can_restrict=bot_can_restrict,
        )
        self.chats[chat_id] = chat
        return chat

    def chat(self, chat_id: int | str) -> Chat:
        try:
            return self.chats[int(chat_id)]
        except (KeyError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None

    def _post(self, chat: Chat, sender_id: int, text: str | None, **fields: Any) -> Posted:
        counter = self._message_ids.setdefault(chat.id, itertools.count(1))
        posted = Posted(chat, next(counter), sender_id, text, **fields)
        self.messages.setdefault(chat.id, []).append(posted)
        return posted

    def find(self, chat_id: int | str, message_id: int) -> Posted | None:
        for posted in self.messages.get(self.chat(chat_id).id, []):
            if posted.message_id == message_id and not posted.deleted:
                return posted
        return None

    # --- the JSON the bot reads -------------------------------------------------------------

    def message_json(self, posted: Posted, *, with_reply: bool = True) -> JSON:
        sender = self.bot if posted.by_bot else self._person_by_id(posted.sender_id).api()
        data: JSON = {
            "message_id": posted.message_id,
            "from": sender,
            "date": EPOCH + posted.message_id,
            "chat": posted.chat.api(),
        }
        if posted.edits:
            data["edit_date"] = EPOCH + posted.message_id + len(posted.edits)
        if posted.reply_to is not None and with_reply:
            replied = self.find(posted.chat.id, posted.reply_to)
            if replied is not None:
                data["reply_to_message"] = self.message_json(replied, with_reply=False)
        if posted.document is not None:
            data["document"] = {"file_id": f"doc-{posted.message_id}", "file_unique_id": "d"}
            data["document"]["file_name"] = posted.document
        if posted.media == "photo":
            data["photo"] = [
                {"file_id": "p1", "file_unique_id": "p", "width": 90, "height": 90},
            ]
        if posted.text is not None:
            data["caption" if posted.document or posted.media else "text"] = posted.text
        if posted.buttons:
            data["reply_markup"] = {"inline_keyboard": posted.buttons}
        return checked(Message, data)

    def _person_by_id(self, person_id: int) -> Person:
        return next(p for p in self.people.values() if p.id == person_id)

    def _queue(self, **payload: JSON) -> JSON:
        update = checked(Update, {"update_id": next(self._update_ids), **payload})
        self.updates.append(update)
        for listener in self.listeners:
            listener()
        return update

    def pending(self, offset: int | None, limit: int = 100) -> list[JSON]:
        """getUpdates: asking with an offset forgets everything below it, for good."""
        if offset is not None:
            self.confirmed_below = max(self.confirmed_below, offset)
        waiting = [u for u in self.updates if u["update_id"] >= self.confirmed_below]
        return waiting[:limit]

    def unconfirmed(self) -> int:
        return len(self.pending(None))

    # --- people act -------------------------------------------------------------------------

    def say(
        self,
        name: str,
        text: str | None,
        *,
        chat: Chat | None = None,
        reply_to: Posted | None = None,
        media: str | None = None,
    ) -> Posted:
        """`name` writes `text`: to the bot privately, or in `chat`."""
        person = self.person(name)
        where = chat or self.chats[person.id]
        permissions, _until = where.restricted.get(person.id, ({}, 0))
        if permissions.get("can_send_messages") is False:
            raise CannotPost(f"{name} may not write in {where.title}")
        posted = self._post(
            where,
            person.id,
            text,
            reply_to=reply_to.message_id if reply_to is not None else None,
            media=media,
        )
        self._queue(message=self.message_json(posted))
        return posted

    def edit(self, name: str, posted: Posted, text: str) -> None:
        if posted.sender_id != self.person(name).id:
            raise ValueError("people edit only their own messages")
        posted.edits.append(posted.text or "")
        posted.text = text
        self._queue(edited_message=self.message_json(posted))

    def press(self, name: str, posted: Posted, data: str) -> str:
        """`name` presses a button on the bot's message `posted`, whatever data it carries."""
        person = self.person(name)
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        self._queue(
            callback_query={
                "id": query_id,
                "from": person.api(),
                "message": self.message_json(posted),
                "chat_instance": str(posted.chat.id),
                "data": data,
            }
        )
        return query_id

    # --- what people see --------------------------------------------------------------------

    def inbox(self, name: str) -> list[Posted]:
        """What the bot sent `name` in their private chat, deleted ones too."""
        person = self.person(name)
        return [p for p in self.messages.get(person.id, []) if p.by_bot]

    def texts(self, name: str) -> list[str]:
        return [p.text or "" for p in self.inbox(name) if not p.deleted]

    def last(self, name: str) -> Posted:
        return self.inbox(name)[-1]

    def room(self, chat: Chat) -> list[Posted]:
        return self.messages.get(chat.id, [])

    def menu_seen(self, name: str, chat: Chat | None = None) -> list[str]:
        """The commands `name`'s app offers on "/" in `chat` (default: their private chat with
        the bot), found the way Telegram looks: the narrowest scope set, in their language
        before any language."""
        person = self.person(name)
        where = chat or self.chats[person.id]
        scopes: list[JSON] = [{"type": "chat", "chat_id": where.id}]
        if where.is_private:
            scopes.append({"type": "all_private_chats"})
        else:
            if person.id in where.admins:
                scopes.append({"type": "chat_administrators", "chat_id": where.id})
                scopes.append({"type": "all_chat_administrators"})
            scopes.append({"type": "all_group_chats"})
        scopes.append({"type": "default"})
        for scope in scopes:
            for language in (person.language_code, None):
                commands = self.menus.get((_key(scope), language))
                if commands is not None:
                    return [c["command"] for c in commands]
        return []

    def set_menu(self, scope: JSON, language: str | None, commands: list[JSON] | None) -> None:
        """setMyCommands (or, with None, deleteMyCommands) for one scope and language."""
        key = (_key(scope), language)
        if commands:
            self.menus[key] = commands
        else:
            self.menus.pop(key, None)

    # --- the bot acts -----------------------------------------------------------------------

    def bot_sends(
        self,
        chat_id: int | str,
        text: str | None,
        *,
        buttons: list[list[JSON]] | None = None,
        reply_to: int | None = None,
        document: str | None = None,
    ) -> JSON:
        chat = self.chat(chat_id)
        if chat.is_private and self._person_by_id(chat.id).blocked_bot:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if text is not None and len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        for row in buttons or []:
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        posted = self._post(
            chat, BOT_ID, text, buttons=buttons or [], reply_to=reply_to, document=document
        )
        return self.message_json(posted)

    def bot_edits(self, chat_id: int | str, message_id: int, text: str, buttons: Any) -> JSON:
        posted = self.find(chat_id, message_id)
        if posted is None or not posted.by_bot:
            raise ApiError(400, "Bad Request: message to edit not found")
        if posted.text == text and posted.buttons == (buttons or []):
            raise ApiError(400, "Bad Request: message is not modified")
        posted.edits.append(posted.text or "")
        posted.text = text
        posted.buttons = buttons or []  # an edit without a keyboard removes it, as in Telegram
        return self.message_json(posted)

    def restrict(
        self, chat_id: int | str, user_id: int, permissions: JSON, until: int | None
    ) -> None:
        """restrictChatMember: every permission true lifts the restriction."""
        chat = self.chat(chat_id)
        if chat.is_private:
            raise ApiError(400, "Bad Request: method is available only for supergroups")
        if not chat.bot_can_restrict:
            raise ApiError(400, "Bad Request: not enough rights to restrict/unrestrict chat member")
        if not any(person.id == user_id for person in self.people.values()):
            raise ApiError(400, "Bad Request: user not found")
        if all(permissions.values()):
            chat.restricted.pop(user_id, None)
        else:
            chat.restricted[user_id] = (permissions, until or 0)

    def bot_deletes(self, chat_id: int | str, message_id: int) -> bool:
        chat = self.chat(chat_id)
        posted = self.find(chat.id, message_id)
        if posted is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        if not posted.by_bot and not chat.is_private and not chat.bot_can_delete:
            raise ApiError(400, "Bad Request: message can't be deleted")
        posted.deleted = True
        return True

    def answer(self, query_id: str) -> bool:
        if query_id not in self._open_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._open_queries.discard(query_id)
        self.answered.append(query_id)
        return True
