"""All sessions of the server: live ones, and disconnected ones waiting to be resumed."""

import secrets
import string

from reprise.adapters.lavalink.dev_server.player_state import DevPlayer, PlaybackSettings
from reprise.adapters.lavalink.dev_server.session import Session
from reprise.adapters.lavalink.dev_server.stats import NodeStats
from reprise.adapters.lavalink.dev_server.track_payloads import JsonObject

_SESSION_ID_ALPHABET = string.ascii_lowercase + string.digits
_SESSION_ID_LENGTH = 16


class SessionRegistry:
    """Creates, resumes and retires sessions the way Lavalink's SocketServer does."""

    def __init__(
        self, settings: PlaybackSettings, stats: NodeStats, *, stats_interval: float
    ) -> None:
        self.live: dict[str, Session] = {}
        self.resumable: dict[str, Session] = {}
        self._settings = settings
        self._stats = stats
        self._stats_interval = stats_interval

    def can_resume(self, session_id: str | None) -> bool:
        """Whether a websocket presenting this Session-Id would resume a session."""
        return session_id is not None and session_id in self.resumable

    def open(self, *, user_id: str, client_name: str | None, resume_id: str | None) -> Session:
        """The resumed session for `resume_id`, or a new one."""
        if resume_id is not None and resume_id in self.resumable:
            session = self.resumable.pop(resume_id)
        else:
            session = Session(
                self._new_id(),
                user_id=user_id,
                client_name=client_name,
                settings=self._settings,
                stats=self._stats_payload,
                stats_interval=self._stats_interval,
            )
        self.live[session.id] = session
        return session

    async def disconnect(self, session: Session, *, allow_resume: bool = True) -> None:
        """The websocket closed: keep the session for a resume, or destroy it."""
        await session.detach()
        self.live.pop(session.id, None)
        if session.resuming and allow_resume:
            self.resumable[session.id] = session
            session.expire_after_timeout(self._expire)
        else:
            session.shutdown()

    def find(self, session_id: str) -> Session | None:
        """A live session (Lavalink's REST API does not see sessions waiting to resume)."""
        return self.live.get(session_id)

    def players(self) -> list[DevPlayer]:
        """Every player of every session."""
        sessions = [*self.live.values(), *self.resumable.values()]
        return [player for session in sessions for player in session.players.values()]

    def shutdown(self) -> None:
        """Destroy every session."""
        for session in [*self.live.values(), *self.resumable.values()]:
            session.shutdown()
        self.live.clear()
        self.resumable.clear()

    def _expire(self, session: Session) -> None:
        self.resumable.pop(session.id, None)
        session.shutdown()

    def _stats_payload(self) -> JsonObject:
        return self._stats.snapshot(self.players(), with_frames=True)

    def _new_id(self) -> str:
        while True:
            candidate = "".join(
                secrets.choice(_SESSION_ID_ALPHABET) for _ in range(_SESSION_ID_LENGTH)
            )
            if candidate not in self.live and candidate not in self.resumable:
                return candidate
