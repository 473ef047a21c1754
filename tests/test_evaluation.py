from dotterel.evaluation import score_article, sentence_bounds

TEXT = "Brig. Gen. Smith met Iraq's leader. Iran criticized Iraq. Then it rained."
GOLD = [
    {
        "id": "R1",
        "required": True,
        "anchor": "Smith met",
        "event": ["CONSULT"],
        "actor": {"code": ["USA"], "sector": ["MIL"]},
        "recipient": {"code": ["IRQ"], "sector": ["GOV"]},
        "symmetric": True,
        "date": "2025-01-06",
        "location": {"country": "IRQ", "place": "Baghdad"},
    },
    {
        "id": "R2",
        "required": True,
        "anchor": "Iran criticized",
        "event": ["ACCUSE"],
        "actor": {"code": ["IRN"], "sector": None},
        "recipient": {"code": ["IRQ"], "sector": None},
        "symmetric": False,
        "date": None,
        "location": None,
    },
    {
        "id": "O1",
        "required": False,
        "anchor": "Iran criticized",
        "event": ["REJECT"],
        "actor": {"code": ["*"], "sector": None},
        "recipient": {"code": ["IRQ"], "sector": None},
        "symmetric": False,
        "date": None,
        "location": None,
    },
]


def pred(start, end, event, a, r, **kw):
    return {
        "event": [event],
        "actor": [{"code": c, "sector": kw.get("a_sec")} for c in a],
        "recipient": [{"code": c, "sector": kw.get("r_sec")} for c in r],
        "text_info": {"start": start, "end": end},
        "date": kw.get("date"),
        "event_loc": kw.get("loc"),
    }


def test_sentences_do_not_break_after_titles():
    assert sentence_bounds(TEXT)[0] == (0, 35)


def test_symmetric_gold_matches_either_direction_and_scores_dates_places_sectors():
    preds = [
        pred(
            0,
            35,
            "CONSULT",
            ["IRQ"],
            ["USA"],
            a_sec="GOV",
            r_sec="MIL",
            date="2025-01-06",
            loc={"country_code": "IRQ", "resolved_place": "Baghdad"},
        ),
        pred(36, 57, "ACCUSE", ["IRN"], ["IRQ"]),
    ]
    figs = score_article(GOLD, preds, TEXT).figures()
    assert figs["recall"] == 1.0 and figs["precision"] == 1.0
    assert figs["dates"] == 1.0 and figs["places"] == 1.0 and figs["sectors"] == 1.0


def test_direction_matters_for_non_symmetric_events():
    res = score_article(GOLD, [pred(36, 57, "ACCUSE", ["IRQ"], ["IRN"])], TEXT)
    assert res.matched == 0 and res.false_positives == 1


def test_duplicate_prediction_is_a_false_positive_and_optional_counts_neither_way():
    preds = [
        pred(36, 57, "ACCUSE", ["IRN"], ["IRQ"]),
        pred(36, 57, "ACCUSE", ["IRN"], ["IRQ"]),
        pred(36, 57, "REJECT", ["IRN"], ["IRQ"]),
    ]
    res = score_article(GOLD, preds, TEXT)
    assert (res.matched, res.false_positives) == (1, 1)


def test_prediction_in_another_sentence_does_not_match():
    res = score_article(GOLD, [pred(58, 72, "ACCUSE", ["IRN"], ["IRQ"])], TEXT)
    assert res.matched == 0


def test_plv_scoring_treats_concede_and_retreat_as_yield():
    from dotterel.evaluation import score_plv

    rows = [
        {"uid": "0", "gold_root": "YIELD"},
        {"uid": "1", "gold_root": "ACCUSE"},
        {"uid": "2", "gold_root": "AID"},
    ]
    preds = [{"id": "0", "event": ["RETREAT"]}, {"id": "1", "event": ["ACCUSE"]}, {"id": "2", "event": []}]
    res = score_plv(rows, preds)
    assert res.pred == ["YIELD", "ACCUSE", "NONE"] and abs(res.accuracy() - 2 / 3) < 1e-9
    assert res.confusions() == [("AID", "NONE", 1)]


def test_penta_class_comes_from_the_cameo_root_before_the_type():
    from dotterel.evaluation import penta_class, score_penta

    assert penta_class({"cameo": "020", "event": ["REQUEST"]}) == 0
    assert penta_class({"cameo": None, "event": ["REQUEST"]}) == 3
    assert penta_class(None) == 0
    assert score_penta([0, 4], [{"id": "0", "event": []}, {"id": "1", "cameo": "190"}]).accuracy() == 1.0


def test_dyads_match_country_level_codes_and_cameo_roots():
    from dotterel.evaluation import score_dyads

    gold = [
        {
            "id": "a",
            "expected_events": [
                {"source_actor_code": "IRNGOV", "target_actor_code": "IGOUNO", "cameo_code": "112"},
                {"source_actor_code": "---", "target_actor_code": "IRQ", "cameo_code": "190"},
            ],
        }
    ]
    preds = [
        {
            "article_id": "a",
            "event": ["ACCUSE"],
            "cameo": "111",
            "actor": [{"code": "IRN"}],
            "recipient": [{"code": "UNO"}],
        },
        {
            "article_id": "a",
            "event": ["ASSAULT"],
            "cameo": None,
            "actor": [{"code": "SYR"}],
            "recipient": [{"code": "IRQ"}],
        },
        {
            "article_id": "a",
            "event": ["CONSULT"],
            "cameo": "040",
            "actor": [{"code": "IRN"}],
            "recipient": [{"code": "IRQ"}],
        },
    ]
    res = score_dyads(gold, preds)
    assert (res.tp, res.fp, res.fn) == (2, 1, 0)
