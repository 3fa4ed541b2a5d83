"""Collect what goes wrong inside the browser, so a test fails on it instead of passing blind."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Request, Response, WebError

# Everything a test talks to runs on loopback; the network is closed to anything else.
OWN_HOSTS = {"127.0.0.1", "localhost", "::1"}


def ours(url: str) -> bool:
    """True for URLs served by this test run (the app, the sandboxes, the parent site)."""
    return urlsplit(url).hostname in OWN_HOSTS


class BrowserErrors:
    """Uncaught page errors, console errors, and failed or 5xx requests to our own origins."""

    def __init__(self):
        self.problems: list[str] = []
        self.allowed: list[re.Pattern] = []
        self.contexts: list[BrowserContext] = []

    def watch(self, context: BrowserContext) -> BrowserContext:
        """Record problems in every page of `context`, popups and frames included."""
        context.on("weberror", self._on_page_error)
        context.on("console", self._on_console)
        context.on("requestfailed", self._on_request_failed)
        context.on("response", self._on_response)
        self.contexts.append(context)
        return context

    def allow(self, pattern: str) -> None:
        """Ignore problems whose description matches the regular expression `pattern`."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [p for p in self.problems if not any(a.search(p) for a in self.allowed)]

    def check(self) -> None:
        """Raise AssertionError listing every unexpected problem seen so far."""
        __tracebackhide__ = True
        self.flush()
        found = self.unexpected()
        if found:
            raise AssertionError("the browser reported problems:\n  " + "\n  ".join(found))

    def flush(self) -> None:
        """Round-trip to every open frame so events already sent by the browser are delivered."""
        for context in self.contexts:
            for page in list(context.pages):
                for frame in list(page.frames):
                    try:
                        frame.evaluate("0")
                    except Error:
                        pass  # closed or navigating away: nothing more to deliver from it

    def _on_page_error(self, error: WebError) -> None:
        where = error.page.url if error.page else "?"
        self.problems.append(f"uncaught error on {where}: {error.error}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url") or (message.page.url if message.page else "?")
        # Chromium asks every site for /favicon.ico by itself; the page did not ask for it.
        if urlsplit(where).path == "/favicon.ico":
            return
        self.problems.append(f"console error on {where}: {message.text}")

    def _on_request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        # A request cut short by a navigation is the browser's choice, not a failure of ours.
        if ours(request.url) and "ERR_ABORTED" not in failure:
            self.problems.append(f"{request.method} {request.url} failed: {failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 500 and ours(response.url):
            self.problems.append(
                f"{response.request.method} {response.url} answered {response.status}"
            )
