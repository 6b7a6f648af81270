"""The Zalo channel (Zalo Bot Platform): updates in, `ChatService` replies out.

`ZaloRunner` runs it (long polling, or a webhook on the shared web server); the `ZaloChannel`
sends, and is what the outbox uses for pushes (`make_client` + `make_channel`); the `ZaloBridge`
takes updates to the service. bot.bootstrap builds them.
"""

from bot.zalo.bridge import ZaloBridge
from bot.zalo.channel import ZaloChannel, ZaloLimits
from bot.zalo.runner import ZaloRunner, make_channel, make_client, make_media

__all__ = [
    "ZaloBridge",
    "ZaloChannel",
    "ZaloLimits",
    "ZaloRunner",
    "make_channel",
    "make_client",
    "make_media",
]
