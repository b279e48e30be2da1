"""The parts of ClientController its mixins (MenuActions, CommandSupport) work on, declared once
for the type checker: ClientController makes and sets them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.controllers.activity import Activity
from app.controllers.alerts import Alerts
from app.controllers.annotations import Annotations
from app.controllers.connector import Connector
from app.controllers.preferences import PreferencesFlow
from app.controllers.presenter import Presenter
from app.controllers.search import Searcher
from app.models.session import Session
from app.models.settings import Settings, SettingsStore
from app.views.base import ChatView
from ircproto.message import Message


class ControllerParts:
    """What a mixin of ClientController may use."""

    view: ChatView
    store: SettingsStore
    presenter: Presenter
    connector: Connector
    activity: Activity
    preferences: PreferencesFlow
    searcher: Searcher
    annotations: Annotations
    _alerts: Alerts

    if TYPE_CHECKING:
        @property
        def session(self) -> Session | None: ...

        @property
        def online(self) -> bool: ...

        def send(self, message: Message) -> bool: ...

        def inform(self, *texts: str) -> None: ...

        def refresh(self) -> None: ...

        def apply_options(self, settings: Settings) -> None: ...
