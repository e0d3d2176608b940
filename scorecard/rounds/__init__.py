"""Running a round: the request tracker, statutory deadlines, the requests themselves and
published figures. I/O at the edges (the CLI in scorecard/cli_round.py); these modules hold the
rules."""
