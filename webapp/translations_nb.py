NB: dict[str, str] = {}
