// Live feedback on the pasted Tripletex token, in the browser only: no request per
// keystroke, and the token never leaves the page until the user clicks Connect.
// The server repeats these checks on submit; this script only explains them early.
(function () {
  "use strict";
  var QUOTES = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb";
  var SHAPE = /^[A-Za-z0-9+\/=_\-.:]{16,512}$/;

  function clean(text) {
    text = text.trim();
    while (text && QUOTES.indexOf(text[0]) >= 0 && QUOTES.indexOf(text[text.length - 1]) >= 0) {
      text = text.slice(1, -1).trim();
    }
    return text;
  }

  function verdict(text) {
    if (!text) return ["empty", "bad"];
    // The server's rule (Python's isprintable): no control, format or separator character
    // other than the plain space.
    if (/(?! )[\p{C}\p{Z}]/u.test(text)) return ["non-printable", "bad"];
    if (text.length > 2048) return ["too-long", "bad"];
    if (!SHAPE.test(text)) return ["unusual", "warn"];
    return ["ok", "ok"];
  }

  function show(input) {
    var feedback = document.getElementById(input.getAttribute("aria-describedby"));
    if (!feedback) return;
    var text = clean(input.value);
    var result = verdict(text);
    var p = document.createElement("p");
    p.className = result[1];
    p.textContent = input.dataset["msg" + result[0].replace(/(^|-)(\w)/g, function (_, __, c) { return c.toUpperCase(); })];
    feedback.replaceChildren(p);
    input.setAttribute("aria-invalid", result[1] === "bad" ? "true" : "false");
  }

  function onInput(event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[name=token][data-msg-empty]")) return;
    if (event.type === "paste") {
      // Trim what was pasted at once, so the user sees exactly what will be sent.
      window.setTimeout(function () { input.value = clean(input.value); show(input); }, 0);
      return;
    }
    if (input.value === "" && event.type === "input") {
      input.closest("form").querySelector(".feedback").replaceChildren();
      return;
    }
    show(input);
  }

  function onSubmit(event) {
    var input = event.target.querySelector && event.target.querySelector("input[name=token][data-msg-empty]");
    if (!input) return;
    input.value = clean(input.value);
    if (verdict(input.value)[1] === "bad") {
      show(input);
      input.focus();
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }

  function onCopy(event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.dataset.copy);
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.classList.add("copied");
      }, function () {});
    }
  }

  function revealCopyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy][hidden]").forEach(function (b) { b.hidden = false; });
  }

  document.addEventListener("input", onInput);
  document.addEventListener("paste", onInput);
  document.addEventListener("blur", onInput, true);
  document.addEventListener("submit", onSubmit, true);
  document.addEventListener("click", onCopy);
  document.addEventListener("DOMContentLoaded", revealCopyButtons);
  document.addEventListener("htmx:after:swap", revealCopyButtons);
})();
