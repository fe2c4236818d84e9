"""The Matrix transport: matrix-nio behind Piiri's `Transport` port.

`events` turns a synced room event into an `Inbound`; `messages` turns an `Outbound` into event
content (buttons become a numbered list answered by reaction or by number); `errors` says which
failures are worth retrying; `sync` owns the sync loop and its durable token; `rooms` tells a
private chat from a group room and reads power levels; `transport` ties them together; `setup`
builds the client and logs in. Nothing outside this package imports `nio`.
"""

from bot.transports.matrix.setup import MatrixStartError, build_client, log_in
from bot.transports.matrix.texts import ENCRYPTED_ROOM, encrypted_room_notice
from bot.transports.matrix.transport import MatrixTransport

__all__ = [
    "ENCRYPTED_ROOM",
    "MatrixStartError",
    "MatrixTransport",
    "build_client",
    "encrypted_room_notice",
    "log_in",
]
