"""`TelegramTransport`: Piiri's transport port on the Bot API, through python-telegram-bot.

Retries belong to Piiri's outbound queue (priorities, back-off, `retry_after`), so every
failure comes back as a `SendError` and PTB's rate limiter is set never to retry by itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    ChatMemberAdministrator,
    ChatMemberOwner,
    ChatPermissions,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError
from telegram.ext import ExtBot

from bot.command_menu import CommandMenu
from bot.logs import get_logger
from bot.ports import (
    Attachment,
    ChatRef,
    CursorStore,
    InboundSink,
    MissingRights,
    Outbound,
    SendError,
    SentMessage,
    UserRef,
)
from bot.transports.telegram.errors import NO_RESTRICT_RIGHTS, already_done, to_send_error
from bot.transports.telegram.messages import (
    CAPTION_LIMIT,
    ButtonDataTooLong,
    SentKeyboards,
    keyboard,
    reply_parameters,
    shorten,
    split_text,
)
from bot.transports.telegram.pacing import PRIVATE_CHAT_SECONDS, ChatPacer
from bot.transports.telegram.polling import Poller
from bot.transports.telegram.webhook import Webhook, WebhookReceiver

log = get_logger(__name__)


def telegram_chat_id(chat: ChatRef) -> int:
    """A Telegram chat id is a number; anything else was never a Telegram chat."""
    try:
        return int(chat.chat_id)
    except ValueError:
        raise SendError("chat not found", permanent=True) from None


def telegram_message_id(sent: SentMessage) -> int:
    try:
        return int(sent.message_id)
    except ValueError:
        raise SendError("message not found", permanent=True) from None


POLL_TIMEOUT_SECONDS = 30


class TransportStartError(Exception):
    """The transport cannot start; the message says why, with no secret in it."""


class TelegramTransport:
    def __init__(
        self,
        bot: ExtBot[Any],
        *,
        name: str = "telegram",
        poll_timeout: int = POLL_TIMEOUT_SECONDS,
        webhook: Webhook | None = None,
        private_chat_seconds: float = PRIVATE_CHAT_SECONDS,
    ) -> None:
        """Long polling, unless `webhook` says where Telegram should push updates instead.

        `private_chat_seconds` is the least time between two messages to one private chat.
        """
        self.name = name
        self._pacer = ChatPacer(private_chat_seconds)
        self._keyboards = SentKeyboards()
        self._bot = bot
        self._poll_timeout = poll_timeout
        self._webhook = webhook
        self._receiver: Poller | WebhookReceiver | None = None

    @property
    def bot(self) -> ExtBot[Any]:
        return self._bot

    async def connect(self) -> str:
        """Log in to the Bot API (getMe); the bot's @username, without the @."""
        try:
            await self._bot.initialize()
        except TelegramError as exc:
            await self._bot.shutdown()
            if isinstance(exc, InvalidToken):
                raise TransportStartError("Telegram did not accept the bot token") from exc
            raise TransportStartError(
                f"could not reach the Telegram Bot API ({type(exc).__name__})"
            ) from exc
        return self._bot.username

    async def publish_menus(self, menus: Sequence[CommandMenu]) -> None:
        """Set members' "/" menus in private chats, per language, and clear any menu group
        chats had (an older Piiri showed staff commands there). Staff get their own menus
        (`publish_person_menu`).

        A refusal is logged, not raised: the menu is a convenience, every command still works.
        """
        try:
            for menu in menus:
                await self._bot.set_my_commands(
                    [BotCommand(c.name, c.description) for c in menu.commands],
                    scope=BotCommandScopeAllPrivateChats(),
                    language_code=menu.language,
                )
                await self._bot.delete_my_commands(
                    scope=BotCommandScopeAllGroupChats(), language_code=menu.language
                )
        except TelegramError as exc:
            log.warning("telegram.menu_failed", error=type(exc).__name__)

    async def publish_person_menu(self, user_id: str, menu: CommandMenu) -> None:
        """One person's menu in their private chat with the bot, whatever their app's language."""
        try:
            await self._bot.set_my_commands(
                [BotCommand(c.name, c.description) for c in menu.commands],
                scope=BotCommandScopeChat(telegram_chat_id(ChatRef(self.name, user_id))),
            )
        except TelegramError as exc:
            raise to_send_error(exc) from exc

    async def clear_person_menu(self, user_id: str) -> None:
        """Back to members' menu in that person's private chat."""
        try:
            await self._bot.delete_my_commands(
                scope=BotCommandScopeChat(telegram_chat_id(ChatRef(self.name, user_id)))
            )
        except TelegramError as exc:
            raise to_send_error(exc) from exc

    async def start(self, sink: InboundSink, cursors: CursorStore) -> None:
        await self.connect()
        try:
            if self._webhook is not None:
                receiver = WebhookReceiver(
                    self._bot, self.name, sink, self._webhook, answer_button=self._answer_button
                )
                await receiver.start()
                self._receiver = receiver
                return
            # getUpdates refuses to work while a webhook is set.
            await self._bot.delete_webhook(drop_pending_updates=False)
        except (TelegramError, OSError) as exc:
            await self._bot.shutdown()
            raise TransportStartError(
                f"could not start receiving Telegram updates ({type(exc).__name__})"
            ) from exc
        poller = Poller(
            self._bot,
            self.name,
            sink,
            cursors,
            answer_button=self._answer_button,
            timeout=self._poll_timeout,
        )
        poller.start()
        self._receiver = poller

    async def stop(self) -> None:
        if self._receiver is not None:
            await self._receiver.stop()
            self._receiver = None
        await self._bot.shutdown()

    async def _answer_button(self, update: Update) -> None:
        """Stop the button's spinner. What the press did arrives as a message of its own."""
        query = update.callback_query
        if query is None:
            return
        try:
            await self._bot.answer_callback_query(query.id)
        except TelegramError as exc:  # too old to answer: the person already saw the reply
            log.info("telegram.answer_failed", error=type(exc).__name__)

    def wait_before(self, chat: ChatRef) -> float:
        """How long a private chat still waits for its next message (Telegram's ~1/s)."""
        try:
            return self._pacer.wait(telegram_chat_id(chat))
        except SendError:
            return 0.0

    async def send(self, message: Outbound) -> SentMessage:
        try:
            markup = keyboard(message.buttons)
        except ButtonDataTooLong as exc:
            raise SendError(str(exc), permanent=True) from exc
        reply = reply_parameters(message.reply_to)
        attachment = message.attachment
        try:
            if attachment is not None and len(message.text) <= CAPTION_LIMIT:
                sent = await self._document(message.chat, attachment, message.text, markup, reply)
            elif attachment is not None:
                await self._text(message.chat, message.text, None, reply)
                sent = await self._document(message.chat, attachment, None, markup, None)
            else:
                sent = await self._text(message.chat, message.text, markup, reply)
        except TelegramError as exc:
            raise to_send_error(exc) from exc
        return SentMessage(message.chat, str(sent.message_id))

    async def _text(
        self,
        chat: ChatRef,
        text: str,
        markup: InlineKeyboardMarkup | None,
        reply: ReplyParameters | None,
    ) -> Message:
        """A text in as many messages as its length needs; the buttons go on the last."""
        pieces = split_text(text)
        chat_id = telegram_chat_id(chat)
        sent: Message | None = None
        for index, piece in enumerate(pieces):
            if index:  # the rest of one long text: paced here, it cannot go back to the queue
                await asyncio.sleep(self._pacer.wait(chat_id))
            last = index == len(pieces) - 1
            sent = await self._bot.send_message(
                chat_id,
                piece,
                reply_markup=markup if last else None,
                reply_parameters=reply if index == 0 else None,
            )
            self._pacer.sent(chat_id)
            if last:
                self._keyboards.remember(chat_id, sent.message_id, markup)
        if sent is None:  # pragma: no cover - split_text returns at least one piece
            raise SendError("nothing to send", permanent=True)
        return sent

    async def _document(
        self,
        chat: ChatRef,
        attachment: Attachment,
        caption: str | None,
        markup: InlineKeyboardMarkup | None,
        reply: ReplyParameters | None,
    ) -> Message:
        chat_id = telegram_chat_id(chat)
        sent = await self._bot.send_document(
            chat_id,
            InputFile(attachment.data, filename=attachment.name),
            caption=caption or None,
            reply_markup=markup,
            reply_parameters=reply,
        )
        self._pacer.sent(chat_id)
        self._keyboards.remember(chat_id, sent.message_id, markup)
        return sent

    async def edit(self, sent: SentMessage, text: str) -> None:
        """New text; the buttons stay (sent again, or Telegram would drop them)."""
        chat_id, message_id = telegram_chat_id(sent.chat), telegram_message_id(sent)
        try:
            await self._bot.edit_message_text(
                shorten(text),
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=self._keyboards.get(chat_id, message_id),
            )
        except TelegramError as exc:
            if not already_done(exc):
                raise to_send_error(exc) from exc

    async def can_remove_messages(self, chat_id: str) -> bool:
        """Whether the bot may delete others' messages in the group `chat_id`."""
        try:
            member = await self._bot.get_chat_member(
                telegram_chat_id(ChatRef(self.name, chat_id)), self._bot.id
            )
        except (BadRequest, Forbidden):  # not in the group, or the group is gone
            return False
        except TelegramError as exc:
            raise to_send_error(exc) from exc
        if isinstance(member, ChatMemberOwner):
            return True
        return isinstance(member, ChatMemberAdministrator) and member.can_delete_messages

    async def restrict(self, room: ChatRef, user: UserRef, until: datetime) -> None:
        """`user` may not post in the group `room` until `until` (Telegram lifts it then)."""
        await self._restrict(room, user, ChatPermissions.no_permissions(), until)

    async def unrestrict(self, room: ChatRef, user: UserRef) -> None:
        """Lift a restriction: every permission true gives back the group's defaults."""
        await self._restrict(room, user, ChatPermissions.all_permissions(), None)

    async def _restrict(
        self, room: ChatRef, user: UserRef, permissions: ChatPermissions, until: datetime | None
    ) -> None:
        try:
            await self._bot.restrict_chat_member(
                telegram_chat_id(room),
                telegram_chat_id(ChatRef(self.name, user.user_id)),
                permissions,
                until_date=until,
                use_independent_chat_permissions=True,
            )
        except TelegramError as exc:
            error = to_send_error(exc)
            if error.reason == NO_RESTRICT_RIGHTS:
                raise MissingRights(error.reason) from exc
            raise error from exc

    async def delete(self, sent: SentMessage) -> None:
        chat_id, message_id = telegram_chat_id(sent.chat), telegram_message_id(sent)
        self._keyboards.forget(chat_id, message_id)
        try:
            await self._bot.delete_message(chat_id, message_id)
        except TelegramError as exc:
            if not already_done(exc):
                raise to_send_error(exc) from exc
