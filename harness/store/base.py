"""The experiment store's interface; `harness.store` chooses an implementation by name."""

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from harness.store.entries import CandidateEntry, SessionEntry


class Store(Protocol):
    """The experiment store: sessions and their judged candidates, written as they happen and
    read back as rows (see `harness.store.entries` for the columns)."""

    def start_session(self, session: "SessionEntry") -> None: ...

    def log_candidate(self, session_id: str, entry: "CandidateEntry") -> None: ...

    def finish_session(self, session_id: str, result: dict[str, Any]) -> None: ...

    def sessions(self, target: str | None = None) -> list[dict[str, Any]]: ...

    def candidates(self, session_id: str) -> list[dict[str, Any]]: ...

    def stages(self, session_id: str) -> list[dict[str, Any]]:
        """Per stage of a finished session's relay (see `harness.loop.attribution`)."""
        ...

    def close(self) -> None: ...
