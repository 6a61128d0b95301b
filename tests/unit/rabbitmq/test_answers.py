"""Answers: replies added in one turn of the loop leave together, per sender; none waits
for a later turn."""

from __future__ import annotations

import asyncio

from reprise.adapters.rabbitmq.answers import Answers


class Sent:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[bytes]]] = []

    async def publish(self, reply_to: str, answers: list[bytes]) -> None:
        self.messages.append((reply_to, answers))


async def _turn() -> None:
    await asyncio.sleep(0)


async def test_answers_of_one_turn_leave_as_one_message_per_sender() -> None:
    sent = Sent()
    answers = Answers(sent.publish)
    answers.add("gateway", b"1")
    answers.add("api", b"2")
    answers.add("gateway", b"3")
    assert sent.messages == []  # not before the turn ends
    await _turn()
    assert sent.messages == [("gateway", [b"1", b"3"]), ("api", [b"2"])]


async def test_an_answer_of_a_later_turn_leaves_on_its_own() -> None:
    sent = Sent()
    answers = Answers(sent.publish)
    answers.add("gateway", b"1")
    await _turn()
    answers.add("gateway", b"2")
    await _turn()
    assert sent.messages == [("gateway", [b"1"]), ("gateway", [b"2"])]


async def test_close_sends_what_is_pending() -> None:
    sent = Sent()
    answers = Answers(sent.publish)
    answers.add("gateway", b"1")
    await answers.close()
    assert sent.messages == [("gateway", [b"1"])]
    await _turn()  # the turn's own send finds nothing left
    assert sent.messages == [("gateway", [b"1"])]


async def test_a_failed_publish_is_logged_and_later_answers_still_leave() -> None:
    sent = Sent()
    failures = 0

    async def flaky(reply_to: str, batch: list[bytes]) -> None:
        nonlocal failures
        if not failures:
            failures += 1
            raise ConnectionError("the channel closed")
        await sent.publish(reply_to, batch)

    answers = Answers(flaky)
    answers.add("gateway", b"lost")
    await _turn()
    answers.add("gateway", b"2")
    await _turn()
    await answers.close()
    assert failures == 1
    assert sent.messages == [("gateway", [b"2"])]
