"""What a caller gets back for a command: accepted with a summary, or rejected with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from reprise.domain.errors import DomainError


class Rejection(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str
    message: str
    details: dict[str, str]

    @classmethod
    def from_error(cls, error: DomainError) -> Rejection:
        details = {key: str(value) for key, value in error.details().items()}
        return cls(code=error.code, message=error.message, details=details)


class CommandResult(BaseModel):
    """The outcome of one command; stored with it, so a redelivery returns the same answer."""

    model_config = ConfigDict(frozen=True)
    command_id: UUID
    accepted: bool
    events: list[str] = []
    versions: dict[str, int] = {}
    rejection: Rejection | None = None

    @classmethod
    def rejected(cls, command_id: UUID, error: DomainError) -> CommandResult:
        return cls(command_id=command_id, accepted=False, rejection=Rejection.from_error(error))

    @classmethod
    def refused(cls, command_id: UUID, code: str, message: str) -> CommandResult:
        """Turned away before any handler saw it (unusable, too large)."""
        rejection = Rejection(code=code, message=message, details={})
        return cls(command_id=command_id, accepted=False, rejection=rejection)
