"""How the bot reaches the Bot API. ``request_factory`` makes the request object every Bot and
Application here uses; tests replace it with one that records calls and answers from fixtures
(tests/telegram/conftest.py), so no test touches the network.

The webhook view and the outbox worker build a bot per call (the Django ORM runs outside the
event loop there, see telegram_bot/bot.py). PTB's ``Bot.initialize`` asks ``getMe`` each time;
``CachingRequest`` answers a repeated ``getMe`` from memory instead of a round trip.
"""

from telegram.request import HTTPXRequest

_ME: dict[str, tuple[int, bytes]] = {}


class CachingRequest(HTTPXRequest):
    async def do_request(self, url, method, request_data=None, **timeouts):  # noqa: ANN001
        if url.endswith("/getMe") and url in _ME:
            return _ME[url]
        code, payload = await super().do_request(url, method, request_data, **timeouts)
        if url.endswith("/getMe") and code == 200:
            _ME[url] = (code, payload)
        return code, payload


def default_request():
    return CachingRequest(connection_pool_size=8)


request_factory = default_request
