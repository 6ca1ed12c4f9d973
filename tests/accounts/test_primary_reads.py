"""Tokens and KYC decide who may move money: they are read from the primary even
on eventual paths, proven against a standby that has not replayed them yet.
"""

from accounts import services
from accounts.models import AccessToken
from accounts.selectors import active_token, limits_for
from aframp.consistency import consistency
from aframp.paths import Consistency
from tests.accounts.factories import make_kyc, make_user


def test_token_and_limit_lookups_read_the_primary_on_eventual_paths(
    committed_db, heartbeat, paused_replay
):
    user = make_user()
    make_kyc(user=user, tier="basic")
    issued = services.create_token(user=user)
    with consistency(Consistency.EVENTUAL):
        # Eventual reads go to the replica, which has not seen the token yet...
        assert not AccessToken.objects.filter(user=user).exists()
        # ...but authentication and limits read the primary.
        assert active_token(raw_token=issued.token).user == user
        assert limits_for(user=user).tier == "basic"
