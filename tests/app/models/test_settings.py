"""SettingsStore tests: round trip, env override, bad files fall back with a warning."""

import json
import logging

from app.models.settings import (
    ConnectParams,
    PinRemoval,
    Settings,
    SettingsStore,
    default_config_dir,
    params_error,
)

FINGERPRINT = ":".join(["AB"] * 32)


def test_settingsstore_round_trips_fields(tmp_path):
    store = SettingsStore(tmp_path / "cfg")
    saved = Settings(host="10.0.0.5", port=6667, nick="ann", theme="dark", view="compact")
    assert store.save(saved)
    assert SettingsStore(tmp_path / "cfg").load() == saved
    assert saved.connect_params == ConnectParams("10.0.0.5", 6667, "ann")


def test_settingsstore_missing_file_gives_defaults_silently(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert SettingsStore(tmp_path).load() == Settings()
    assert caplog.records == []


def test_settingsstore_corrupt_json_falls_back_with_warning(tmp_path, caplog):
    (tmp_path / "settings.json").write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert SettingsStore(tmp_path).load() == Settings()
    assert "not valid JSON" in caplog.text


def test_settingsstore_keeps_valid_fields_and_warns_about_bad_ones(tmp_path, caplog):
    data = {"host": "h", "port": "oops", "nick": 5, "theme": "purple", "extra": 1}
    (tmp_path / "settings.json").write_text(json.dumps(data), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        loaded = SettingsStore(tmp_path).load()
    assert loaded == Settings(host="h")
    assert "bad port" in caplog.text and "bad theme" in caplog.text


def test_settingsstore_non_object_and_binary_file_fall_back(tmp_path, caplog):
    path = tmp_path / "settings.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert SettingsStore(tmp_path).load() == Settings()
    path.write_bytes(b"\xff\xfe\x00garbage")
    with caplog.at_level(logging.WARNING):
        assert SettingsStore(tmp_path).load() == Settings()
    assert len(caplog.records) == 2


def test_settingsstore_unwritable_dir_reports_false_and_warns(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert not SettingsStore(blocker / "sub").save(Settings())
    assert "Cannot save settings" in caplog.text


def test_settingsstore_update_changes_one_field(tmp_path):
    store = SettingsStore(tmp_path)
    store.save(Settings(nick="ann"))
    assert store.update(theme="dark")
    assert store.load() == Settings(nick="ann", theme="dark")


def test_settings_config_dir_env_overrides_platform_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LOCALCHAT_CONFIG_DIR", str(tmp_path))
    assert default_config_dir() == tmp_path
    assert SettingsStore().path == tmp_path / "settings.json"
    monkeypatch.delenv("LOCALCHAT_CONFIG_DIR")
    assert default_config_dir().name == "localchat"


FP = ":".join(["0A"] * 32)


def test_settingsstore_round_trips_tls_pins_and_remembered_password(tmp_path):
    store = SettingsStore(tmp_path / "cfg")
    saved = Settings(host="h", port=6697, nick="ann", tls=True, password="pw",
                     remember_password=True, pins={"h:6697": FP})
    assert store.save(saved)
    assert store.load() == saved
    assert saved.connect_params == ConnectParams("h", 6697, "ann", True, "pw", True)


def test_settingsstore_writes_the_password_only_when_remembered(tmp_path):
    store = SettingsStore(tmp_path)
    assert store.save(Settings(password="hunter2", remember_password=False))
    assert "hunter2" not in store.path.read_text(encoding="utf-8")
    assert store.load().password == ""


def test_settingsstore_file_is_readable_by_the_user_only(tmp_path):
    store = SettingsStore(tmp_path / "cfg")
    assert store.save(Settings(password="pw", remember_password=True))
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "cfg").stat().st_mode & 0o777 == 0o700


def test_settingsstore_bad_pins_tls_and_password_fall_back_without_showing_it(tmp_path, caplog):
    data = {"pins": {"h:1": "not a fingerprint"}, "tls": "yes", "password": 12345678,
            "remember_password": True}
    (tmp_path / "settings.json").write_text(json.dumps(data), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        loaded = SettingsStore(tmp_path).load()
    assert loaded == Settings(remember_password=True)
    assert "bad pins" in caplog.text and "bad tls" in caplog.text
    assert "password is not text" in caplog.text and "12345678" not in caplog.text


def test_settings_connect_params_hide_a_password_not_to_be_remembered():
    assert Settings(password="pw", remember_password=False).connect_params.password == ""
    assert "pw" not in repr(Settings(password="pw", remember_password=True))


def test_settingsstore_forget_pin_removes_only_that_pin(tmp_path):
    store = SettingsStore(tmp_path / "cfg")
    store.save(Settings(pins={"a:1": FINGERPRINT, "b:2": FINGERPRINT}))
    assert store.forget_pin("a:1") is PinRemoval.FORGOTTEN
    assert store.load().pins == {"b:2": FINGERPRINT}
    assert store.forget_pin("a:1") is PinRemoval.NOT_PINNED


def test_settingsstore_forget_pin_says_when_it_could_not_save(tmp_path, monkeypatch):
    store = SettingsStore(tmp_path / "cfg")
    store.save(Settings(pins={"a:1": FINGERPRINT}))
    monkeypatch.setattr(store, "_write", lambda settings: False)  # a full disk, say
    assert store.forget_pin("a:1") is PinRemoval.NOT_SAVED
    assert store.load().pins == {"a:1": FINGERPRINT}


def test_params_error_names_the_first_problem_and_accepts_good_params():
    good = ConnectParams("10.0.0.5", 6667, "ann", password="secret")
    assert params_error(good) == ""
    assert "server's name or address" in params_error(ConnectParams("a b", 6667, "ann"))
    assert "between 1 and 65535, not 0" in params_error(ConnectParams("h", 0, "ann"))
    assert params_error(ConnectParams("h", 6667, "9x")).startswith("Invalid nickname: ")
    assert "line breaks" in params_error(ConnectParams("h", 6667, "ann", password="a\nb"))


def test_settingsstore_tightens_an_old_0644_file_and_0755_directory_on_load(tmp_path):
    directory = tmp_path / "cfg"
    store = SettingsStore(directory)
    assert store.save(Settings(nick="ann"))
    store.path.chmod(0o644)
    directory.chmod(0o755)
    assert store.load().nick == "ann"
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert directory.stat().st_mode & 0o777 == 0o700


def test_settingsstore_round_trips_notify_modes_and_dnd(tmp_path):
    store = SettingsStore(tmp_path / "cfg")
    assert store.save(Settings(notify={"#lobby": "all", "bob": "never"}, dnd=True))
    loaded = SettingsStore(tmp_path / "cfg").load()
    assert loaded.notify == {"#lobby": "all", "bob": "never"} and loaded.dnd is True
    assert Settings().notify == {} and Settings().dnd is False


def test_settingsstore_bad_notify_modes_and_dnd_fall_back_with_a_warning(tmp_path, caplog):
    data = {"notify": {"#lobby": "loud"}, "dnd": "yes"}
    (tmp_path / "settings.json").write_text(json.dumps(data), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        loaded = SettingsStore(tmp_path).load()
    assert loaded.notify == {} and loaded.dnd is False
    assert "bad notify" in caplog.text and "bad dnd" in caplog.text


def test_settings_a_change_that_is_not_the_password_never_calls_the_credential_store(tmp_path):
    from app.models.credentials import CredentialStore
    from tests.memorykeyring import MemoryKeyring

    backend = MemoryKeyring()
    store = SettingsStore(tmp_path, CredentialStore(tmp_path, backend))
    assert store.update(host="h", port=1, password="pw", remember_password=True)
    calls: list[str] = []
    for name in ("get_password", "set_password", "delete_password"):
        real = getattr(backend, name)
        setattr(backend, name, lambda *a, real=real, name=name: calls.append(name) or real(*a))
    assert store.update(theme="dark", compact_joins=True)
    assert calls == []
    assert store.load().password == "pw" and store.load().theme == "dark"


def test_settingsstore_round_trips_window_placements_and_drops_bad_ones(tmp_path, caplog):
    store = SettingsStore(tmp_path)
    assert store.update(windows={"full": "1080x640+120+80", "compact": "420x700+-8+0"})
    assert store.load().windows == {"full": "1080x640+120+80", "compact": "420x700+-8+0"}
    (tmp_path / "settings.json").write_text(json.dumps({"windows": {"full": "big"}}))
    with caplog.at_level(logging.WARNING):
        assert store.load().windows == {}
    assert "bad windows" in caplog.text


def test_settingsstore_keeps_what_a_newer_version_wrote_when_it_saves(tmp_path):
    newer = {"nick": "ann", "future_option": {"depth": 3}, "format": 7}
    (tmp_path / "settings.json").write_text(json.dumps(newer), encoding="utf-8")
    store = SettingsStore(tmp_path)
    assert store.update(theme="dark")
    written = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert written["future_option"] == {"depth": 3} and written["format"] == 7
    assert written["nick"] == "ann" and written["theme"] == "dark" and "password" not in written
