"""What the slash commands ask of the controller beyond sending (CommandContext): certificate
pins, the password, users, /clear, the ignore list, /set and /away; ClientController takes
them from this mixin."""

from __future__ import annotations

from app.controllers.controllerparts import ControllerParts
from app.models.ignores import IgnoreList
from app.models.options import describe, parse_option
from app.models.settings import PinRemoval
from app.models.userinput import InvalidInput
from app.models.users import UserItem


class CommandSupport(ControllerParts):
    """The slash commands' helpers, on the controller's parts (ClientController sets them)."""

    def forget_certificate(self, server_id: str) -> PinRemoval:
        """Remove the pin of server_id ('host:port')."""
        return self.store.forget_pin(server_id)

    def change_password(self, new: str) -> bool:
        """/passwd and the account dialog: PASSWD from the stored password to new."""
        if self.session is None or not self.online:
            raise InvalidInput("Not connected: the password is changed on the server")
        return self.send(self.connector.identity.change_password(self.session, new))

    def current_users(self) -> list[UserItem]:
        """The current channel's users, sorted for display."""
        return self.presenter.current_users()

    def clear_conversation(self) -> None:
        """/clear: empty the log shown (here only)."""
        self.presenter.clear(self.presenter.shown())

    @property
    def ignores(self) -> IgnoreList:
        """/ignore: the nicks whose lines are not shown."""
        return self.presenter.ignores

    def save_ignores(self) -> bool:
        """Remember the ignore list; False with an error line when it could not be saved."""
        if self.store.update(ignored=self.presenter.ignores.nicks):
            return True
        self.presenter.error(f"Could not save the ignore list to {self.store.path}")
        return False

    def set_option(self, name: str, value: str) -> None:
        """/set: show the options (name ''), or change one, remember it and use it now."""
        if name:
            if not self.store.update(**parse_option(name, value)):
                raise InvalidInput(f"Could not save the option to {self.store.path}")
            self.apply_options(self.store.load())
        self.inform("Options:", *describe(self.store.load()))

    def set_away(self, text: str) -> bool:
        """/away text, /back (''): AWAY, and automatic away leaves the user's choice alone."""
        assert self.session is not None, "/away runs online"
        self.activity.auto_away.set_manual(bool(text))
        return self.send(self.session.build.away(text))
