"""The one exception the gateway's edges raise to refuse a user, with a message for them."""

from __future__ import annotations


class Refusal(Exception):
    """A request the gateway will not carry out; `message` is shown to the user, ephemerally."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
