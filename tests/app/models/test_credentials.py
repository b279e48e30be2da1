"""CredentialStore tests: passwords per (server, account) in a real (in-memory) keyring backend,
the 0600 file where keyring has no usable backend or fails, and the settings' server password
moving out of settings.json."""

from __future__ import annotations

import json

import keyring
import keyring.backends.fail

from app.models.credentialfile import FILE_NAME
from app.models.credentials import SERVER_PASSWORD, CredentialStore
from app.models.settings import Settings, SettingsStore


def test_credentials_live_in_the_keyring_per_server_and_folded_account(tmp_path, memory_keyring):
    store = CredentialStore(tmp_path / "cfg")
    assert store.set("h:1", "Ann[1]", "pw-one") and store.set("h:2", "ann[1]", "pw-two")
    assert store.get("h:1", "ANN{1}") == "pw-one" and store.get("h:2", "ann[1]") == "pw-two"
    assert memory_keyring.passwords == {("LocalChat h:1", "ann{1}"): "pw-one",
                                        ("LocalChat h:2", "ann{1}"): "pw-two"}
    assert store.get("h:3", "ann") is None
    assert not (tmp_path / "cfg" / FILE_NAME).exists()
    assert store.where == "the system keyring"
    assert store.delete("h:1", "ann[1]") and store.get("h:1", "ann[1]") is None
    assert store.delete("h:1", "nobody")


def test_credentials_without_a_keyring_go_to_a_0600_file_in_a_0700_directory(tmp_path):
    keyring.set_keyring(keyring.backends.fail.Keyring())
    store = CredentialStore(tmp_path / "cfg")
    assert store.set("h:1", "ann", "secret-pw")
    path = tmp_path / "cfg" / FILE_NAME
    assert store.where == str(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "cfg").stat().st_mode & 0o777 == 0o700
    assert json.loads(path.read_text()) == {"LocalChat h:1 ann": "secret-pw"}
    assert CredentialStore(tmp_path / "cfg").get("h:1", "Ann") == "secret-pw"
    path.chmod(0o644)
    assert store.get("h:1", "ann") == "secret-pw"
    assert path.stat().st_mode & 0o777 == 0o600  # tightened when read
    assert store.delete("h:1", "ann") and store.get("h:1", "ann") is None


def test_credentials_fall_back_to_the_file_when_the_keyring_fails(tmp_path, memory_keyring):
    store = CredentialStore(tmp_path)
    memory_keyring.broken = True
    assert store.set("h:1", "ann", "pw")
    assert (tmp_path / FILE_NAME).exists() and store.get("h:1", "ann") == "pw"
    memory_keyring.broken = False
    assert store.set("h:1", "ann", "pw2")  # the keyring works again: the file copy goes
    assert json.loads((tmp_path / FILE_NAME).read_text()) == {}
    assert store.get("h:1", "ann") == "pw2"


def test_credential_file_that_is_not_json_reads_as_empty_with_a_warning(tmp_path, caplog):
    keyring.set_keyring(keyring.backends.fail.Keyring())
    (tmp_path / FILE_NAME).write_text("{not json")
    store = CredentialStore(tmp_path)
    assert store.get("h:1", "ann") is None
    assert "Cannot read the credential file" in caplog.text
    assert store.set("h:1", "ann", "pw") and store.get("h:1", "ann") == "pw"


def test_settings_keep_the_remembered_server_password_in_the_keyring(tmp_path, memory_keyring):
    store = SettingsStore(tmp_path)
    assert store.save(Settings(host="h", port=7, password="server-pw", remember_password=True))
    assert "server-pw" not in store.path.read_text()
    assert memory_keyring.passwords == {("LocalChat h:7", SERVER_PASSWORD): "server-pw"}
    assert store.load().password == "server-pw"
    assert store.update(remember_password=False)
    assert memory_keyring.passwords == {} and store.load().password == ""


def test_settings_move_an_old_plain_text_password_out_of_the_file(tmp_path, memory_keyring):
    old = {"host": "h", "port": 7, "nick": "ann", "password": "old-pw",
           "remember_password": True}
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(old))
    path.chmod(0o644)
    store = SettingsStore(tmp_path)
    loaded = store.load()
    assert (loaded.nick, loaded.password) == ("ann", "old-pw")
    assert "old-pw" not in path.read_text() and '"password"' not in path.read_text()
    assert memory_keyring.passwords == {("LocalChat h:7", SERVER_PASSWORD): "old-pw"}
    assert path.stat().st_mode & 0o777 == 0o600
    assert store.load().password == "old-pw"


def test_settings_drop_an_old_password_that_was_not_to_be_remembered(tmp_path, memory_keyring):
    (tmp_path / "settings.json").write_text(json.dumps({"password": "stray",
                                                        "remember_password": False}))
    store = SettingsStore(tmp_path)
    assert store.load().password == ""
    assert "stray" not in (tmp_path / "settings.json").read_text()
    assert memory_keyring.passwords == {}


def test_settings_keep_an_old_password_in_the_file_when_no_store_takes_it(tmp_path,
                                                                         memory_keyring):
    memory_keyring.broken = True
    (tmp_path / FILE_NAME).mkdir()  # the file fallback cannot be written either
    (tmp_path / "settings.json").write_text(json.dumps({"password": "keep-me",
                                                        "remember_password": True}))
    assert SettingsStore(tmp_path).load().password == "keep-me"
    assert "keep-me" in (tmp_path / "settings.json").read_text()
