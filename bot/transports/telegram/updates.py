"""A `telegram.Update` as Piiri's neutral `Inbound`, or None when Piiri has nothing to do with it.

The update id is the event id: Telegram keeps it on redelivery, so the dispatcher's
de-duplication sees a repeated update as the same event.
"""

from __future__ import annotations

from telegram import CallbackQuery, Chat, Message, Update

from bot.ports import ChatRef, Inbound, InboundKind, UserRef

# What Piiri asks Telegram for; everything else would only cost a round trip.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")


def to_inbound(update: Update, transport: str) -> Inbound | None:
    event_id = str(update.update_id)
    if update.callback_query is not None:
        return _button(update.callback_query, transport, event_id)
    if update.message is not None:
        return _message(update.message, transport, event_id, InboundKind.MESSAGE)
    if update.edited_message is not None:
        return _message(update.edited_message, transport, event_id, InboundKind.EDIT)
    return None


def media_kind(message: Message) -> str | None:
    """ "photo", "voice" or "file" for anything that is not plain text, else None.

    A shared contact or location counts as a file: in a group it shows who someone is.
    """
    if message.photo:
        return "photo"
    if message.voice or message.video_note:
        return "voice"
    carried = (
        message.document,
        message.video,
        message.audio,
        message.animation,
        message.sticker,
        message.contact,
        message.location,
        message.venue,
        message.poll,
    )
    return "file" if any(item is not None for item in carried) else None


def _message(message: Message, transport: str, event_id: str, kind: InboundKind) -> Inbound | None:
    person = message.from_user
    if person is None or person.is_bot:
        return None  # channel posts, other bots, anonymous admins
    media = media_kind(message)
    text = message.text if message.text is not None else message.caption
    if text is None and media is None:
        return None  # joins, leaves, pinned messages and other service messages
    replied = message.reply_to_message
    return Inbound(
        transport=transport,
        event_id=event_id,
        kind=kind,
        sender=UserRef(transport, str(person.id)),
        chat=ChatRef(transport, str(message.chat.id)),
        is_private=message.chat.type == Chat.PRIVATE,
        text=text,
        message_id=str(message.message_id),
        reply_to_message_id=str(replied.message_id) if replied is not None else None,
        media=media,
    )


def _button(query: CallbackQuery, transport: str, event_id: str) -> Inbound | None:
    person = query.from_user
    if person.is_bot:
        return None
    pressed_on = query.message
    if pressed_on is not None:
        chat = ChatRef(transport, str(pressed_on.chat.id))
        is_private = pressed_on.chat.type == Chat.PRIVATE
        message_id: str | None = str(pressed_on.message_id)
    else:  # a message sent in inline mode: answer the person privately
        chat, is_private, message_id = ChatRef(transport, str(person.id)), True, None
    return Inbound(
        transport=transport,
        event_id=event_id,
        kind=InboundKind.BUTTON,
        sender=UserRef(transport, str(person.id)),
        chat=chat,
        is_private=is_private,
        message_id=message_id,
        button_data=query.data or "",
    )
