from tools.rebalance import Account, Kam, suggest_moves


def kam(user_id, load, capacity=100.0, country=None, lang=None):
    return Kam(user_id, capacity, load, 100.0, country, lang)


def test_nobody_overloaded_nothing_moves():
    kams = [kam(1, 90), kam(2, 50)]
    accounts = [Account(10, 1, 40), Account(11, 2, 50)]
    assert suggest_moves(kams, accounts) == []


def test_one_large_account_rather_than_several_small_ones():
    # Ana carries 130 h for 100: moving the 35 h account is enough; two of the
    # 10 h ones and one of 15 h would be three moves
    kams = [kam(1, 130), kam(2, 40), kam(3, 60)]
    accounts = [
        Account(10, 1, 35),
        Account(11, 1, 15),
        Account(12, 1, 10),
        Account(13, 1, 10),
        Account(14, 1, 60),
    ]
    moves = suggest_moves(kams, accounts)
    assert [(m.account_id, m.from_user) for m in moves] == [(14, 1)]
    # 60 h fits Javier (40 + 60 = 100) only
    assert moves[0].to_user == 2


def test_both_end_under_the_limit():
    # Ana needs to shed 30 h; Javier has 40 h of room
    kams = [kam(1, 130), kam(2, 60)]
    accounts = [Account(10, 1, 25), Account(11, 1, 20), Account(12, 1, 10)]
    moves = suggest_moves(kams, accounts)
    # the 25 h account, then the 20 h one would put Javier at 105: the 10 h one
    assert [m.account_id for m in moves] == [10, 12]
    assert 130 - 35 <= 100 and 60 + 35 <= 100


def test_who_knows_the_account_then_country_and_language_then_least_loaded():
    kams = [
        kam(1, 120, country="ES", lang="es"),
        kam(2, 10, country="MX", lang="es"),
        kam(3, 50, country="ES", lang="es"),
        kam(4, 60, country="ES", lang="en"),
    ]
    knows = Account(10, 1, 30, knowers=frozenset({4}), country="ES", lang="es")
    assert suggest_moves(kams, [knows])[0].to_user == 4
    spanish = Account(10, 1, 30, country="ES", lang="es")
    move = suggest_moves(kams, [spanish])[0]
    assert (move.to_user, move.same_country, move.same_lang) == (3, True, True)
    anywhere = Account(10, 1, 30)
    assert suggest_moves(kams, [anywhere])[0].to_user == 2  # least loaded


def test_recently_handed_over_accounts_stay():
    kams = [kam(1, 130), kam(2, 10)]
    accounts = [Account(10, 1, 40, locked=True), Account(11, 1, 20)]
    moves = suggest_moves(kams, accounts)
    assert [m.account_id for m in moves] == [11]


def test_nowhere_to_go_nothing_moves():
    kams = [kam(1, 150), kam(2, 95)]
    assert suggest_moves(kams, [Account(10, 1, 50)]) == []
