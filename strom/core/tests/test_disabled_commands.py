import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize("command", ["createsuperuser", "changepassword"])
def test_djangos_unaudited_account_commands_are_disabled(command: str) -> None:
    with pytest.raises(CommandError, match="bypasses the audit log"):
        call_command(command)
