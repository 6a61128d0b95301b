"""Application commands the bot registered, and turning a test's call into `data.options`.

Follows Application_Commands.md: commands are scoped globally or to one guild, a
create with an existing name and type overwrites it, and a bulk overwrite replaces
the whole scope.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tests.fakes.discord.entities import Payload
from tests.fakes.discord.signals import ChangeSignal
from tests.fakes.discord.snowflakes import SnowflakeMint

CHAT_INPUT = 1
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
ENTITY_TYPES = frozenset({USER, CHANNEL, ROLE, MENTIONABLE})
PRIMITIVES: dict[int, Callable[[object], object]] = {
    STRING: str,
    INTEGER: lambda value: int(str(value)),
    BOOLEAN: bool,
    NUMBER: lambda value: float(str(value)),
}

type Scope = int | None
"""None for global commands, else the guild id."""

type EntityResolver = Callable[[int, object], str]
"""Turns a user/channel/role argument into its id and notes it in `resolved`."""


class UnregisteredCommandError(LookupError):
    """A test invoked a command (or option) the bot never registered."""


@dataclass
class CommandRegistry:
    """The commands of one application, by scope, plus the raw sync requests."""

    application_id: int
    mint: SnowflakeMint
    signal: ChangeSignal
    scopes: dict[Scope, dict[int, Payload]] = field(default_factory=dict)
    requests: list[tuple[str, Scope, Payload | list[Payload] | None]] = field(default_factory=list)

    def listing(self, scope: Scope) -> list[Payload]:
        return list(self.scopes.get(scope, {}).values())

    def get(self, scope: Scope, command_id: int) -> Payload | None:
        return self.scopes.get(scope, {}).get(command_id)

    def upsert(self, scope: Scope, body: Payload) -> tuple[Payload, bool]:
        """Creates the command or overwrites the one of the same name and type."""
        self.requests.append(("POST", scope, body))
        commands = self.scopes.setdefault(scope, {})
        kind = int(body.get("type", CHAT_INPUT))
        same = [c for c in commands.values() if c["name"] == body["name"] and c["type"] == kind]
        command_id = int(same[0]["id"]) if same else self.mint.next()
        commands[command_id] = self._stored(scope, command_id, body)
        self.signal.notify()
        return commands[command_id], not same

    def overwrite(self, scope: Scope, bodies: list[Payload]) -> list[Payload]:
        self.requests.append(("PUT", scope, bodies))
        old = {(c["name"], c["type"]): int(c["id"]) for c in self.listing(scope)}
        fresh: dict[int, Payload] = {}
        for body in bodies:
            key = (body["name"], int(body.get("type", CHAT_INPUT)))
            command_id = old.get(key) or self.mint.next()
            fresh[command_id] = self._stored(scope, command_id, body)
        self.scopes[scope] = fresh
        self.signal.notify()
        return list(fresh.values())

    def edit(self, scope: Scope, command_id: int, body: Payload) -> Payload | None:
        self.requests.append(("PATCH", scope, body))
        current = self.get(scope, command_id)
        if current is None:
            return None
        self.scopes[scope][command_id] = self._stored(scope, command_id, current | body)
        self.signal.notify()
        return self.scopes[scope][command_id]

    def delete(self, scope: Scope, command_id: int) -> bool:
        self.requests.append(("DELETE", scope, None))
        removed = self.scopes.get(scope, {}).pop(command_id, None)
        self.signal.notify()
        return removed is not None

    def names(self, scope: Scope = None) -> set[str]:
        return {str(command["name"]) for command in self.listing(scope)}

    def find(self, guild_id: int | None, name: str) -> Payload:
        """The chat-input command a user in `guild_id` would see under `name`."""
        for scope in (guild_id, None):
            for command in self.listing(scope):
                if command["name"] == name and command["type"] == CHAT_INPUT:
                    return command
        visible = sorted(self.names(None) | (self.names(guild_id) if guild_id else set()))
        raise UnregisteredCommandError(
            f"/{name} is not registered for guild {guild_id}; the bot registered {visible}"
        )

    def _stored(self, scope: Scope, command_id: int, body: Payload) -> Payload:
        stored: Payload = {
            "type": CHAT_INPUT,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
        }
        stored |= body
        stored |= {
            "id": str(command_id),
            "application_id": str(self.application_id),
            "version": str(self.mint.next()),
        }
        if scope is not None:
            stored["guild_id"] = str(scope)
        return stored


def invocation_options(
    command: Payload,
    path: list[str],
    values: Mapping[str, object],
    resolve: EntityResolver,
    focused: str | None = None,
) -> list[Payload]:
    """`data.options` for `/command path... name:value`, checked against the registered schema."""
    schema: list[Payload] = command.get("options") or []
    trail: list[tuple[str, int]] = []
    for part in path:
        nested = _option(schema, part, command["name"])
        if nested["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP):
            raise UnregisteredCommandError(f"{part!r} is not a subcommand of /{command['name']}")
        trail.append((part, int(nested["type"])))
        schema = nested.get("options") or []
    options = _leaf_options(schema, values, resolve, focused, str(command["name"]))
    for name, kind in reversed(trail):
        options = [{"name": name, "type": kind, "options": options}]
    return options


def _leaf_options(
    schema: list[Payload],
    values: Mapping[str, object],
    resolve: EntityResolver,
    focused: str | None,
    command_name: str,
) -> list[Payload]:
    missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
    if missing and focused is None:
        raise UnregisteredCommandError(f"/{command_name} needs options {missing}")
    built: list[Payload] = []
    for name, value in values.items():
        option = _option(schema, name, command_name)
        kind = int(option["type"])
        if kind in ENTITY_TYPES:
            wire: object = resolve(kind, value)
        else:
            wire = value if name == focused else PRIMITIVES[kind](value)
            _check_choice(option, wire, command_name)
        entry: Payload = {"name": name, "type": kind, "value": wire}
        if name == focused:
            entry["focused"] = True
        built.append(entry)
    return built


def _option(schema: list[Payload], name: str, command_name: str) -> Payload:
    for option in schema:
        if option["name"] == name:
            return option
    known = [option["name"] for option in schema]
    raise UnregisteredCommandError(f"/{command_name} has no option {name!r}; it has {known}")


def _check_choice(option: Payload, value: object, command_name: str) -> None:
    choices = option.get("choices")
    if choices and value not in [choice["value"] for choice in choices]:
        raise UnregisteredCommandError(
            f"/{command_name} option {option['name']!r} only accepts {choices}, not {value!r}"
        )
