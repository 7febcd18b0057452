"""`corridor bot`'s way: long polling, the dialog and the ORM in asgiref's thread (not the
event loop's), committed there as in production."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from telegram_bot import bot
from tests.telegram.conftest import TOKEN


@pytest.mark.django_db(transaction=True)
def test_polling_runs_an_update_through_the_dialog(telegram, programme):
    telegram.state["updates"] = [telegram.update("text", text="/start")]

    async def poll_once():
        application = bot.build_application(TOKEN, polling=True)
        async with application:
            await application.updater.start_polling(poll_interval=0.01, timeout=0)
            await application.start()
            for _ in range(300):
                if telegram.sent():
                    break
                await asyncio.sleep(0.01)
            await application.updater.stop()
            await application.stop()
        # The ORM's thread keeps its own connection: close it, or PostgreSQL's test database
        # cannot be dropped at the end of the run.
        await sync_to_async(connections.close_all)()

    # Its own thread, as `corridor bot` has its own process: a browser test earlier in the
    # run may leave an event loop running in this one.
    runner = threading.Thread(target=lambda: asyncio.run(poll_once()))
    runner.start()
    runner.join(timeout=30)
    assert telegram.sent()[-1]["text"].startswith("Who is writing?")
    from telegram_bot.models import Chat

    assert Chat.objects.count() == 1
